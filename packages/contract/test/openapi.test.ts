// The OpenAPI document generated from the contract is a valid OpenAPI 3.1 document, covers every
// route of ROUTES, and says what the API requires (Idempotency-Key on money POSTs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument } from '../src/openapi.js';
import { ROUTES } from '../src/routes.js';

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function assertValidOpenApi(doc: unknown, label: string): Promise<void> {
  const validator = new Validator();
  // The validator may resolve $refs in place: give it a copy.
  const result = await validator.validate(structuredClone(doc) as Json);
  assert.equal(
    result.valid,
    true,
    `${label} is not a valid OpenAPI document:\n${JSON.stringify(result.errors, null, 2)}`,
  );
  assert.match(validator.version ?? '', /^3\.1/, `${label}: validator detected OpenAPI ${validator.version}`);
}

function operationOf(doc: Json, path: string, method: string): Json | undefined {
  const paths = doc.paths as Record<string, Record<string, Json>> | undefined;
  return paths?.[path]?.[method.toLowerCase()];
}

describe('OpenAPI document', () => {
  const doc = openApiDocument();

  it('is OpenAPI 3.1.x', () => {
    assert.equal(typeof doc.openapi, 'string');
    assert.match(doc.openapi as string, /^3\.1\.\d+$/);
  });

  it('passes the OpenAPI schema validator', async () => {
    await assertValidOpenApi(doc, 'openApiDocument()');
  });

  it('is checked by a validator that rejects a broken copy', async () => {
    const broken = structuredClone(doc) as Json;
    const op = operationOf(broken, '/v1/purchases', 'POST') as Json;
    op.responses = { '201': { content: {} } }; // a response without its required description
    const result = await new Validator().validate(broken);
    assert.equal(result.valid, false);
  });

  it('has an operation for every route in ROUTES, with a unique operationId', () => {
    const ids = new Set<string>();
    for (const route of ROUTES) {
      const op = operationOf(doc, route.path, route.method);
      assert.ok(op, `missing ${route.method} ${route.path}`);
      assert.equal(op.operationId, route.operationId, `${route.method} ${route.path} operationId`);
      assert.ok(!ids.has(route.operationId), `duplicate operationId ${route.operationId}`);
      ids.add(route.operationId);
      const responses = op.responses as Json;
      assert.ok(responses[String(route.status)], `${route.operationId} documents its ${route.status} response`);
      assert.ok(responses.default, `${route.operationId} documents the error response`);
    }
  });

  it('has no operation that is not in ROUTES', () => {
    const known = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(item)) {
        assert.ok(known.has(`${method.toUpperCase()} ${path}`), `unexpected ${method.toUpperCase()} ${path}`);
      }
    }
  });

  it('requires the Idempotency-Key header exactly on idempotent routes', () => {
    const idempotent = ROUTES.filter((r) => 'idempotent' in r && r.idempotent);
    assert.ok(
      idempotent.some((r) => r.path === '/v1/purchases' && r.method === 'POST'),
      'POST /v1/purchases is idempotent',
    );
    for (const route of ROUTES) {
      const op = operationOf(doc, route.path, route.method);
      const header = ((op?.parameters ?? []) as Parameter[]).find(
        (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
      );
      if ('idempotent' in route && route.idempotent) {
        assert.ok(header, `${route.method} ${route.path} must declare the Idempotency-Key header`);
        assert.equal(header.required, true, `${route.method} ${route.path}: Idempotency-Key is required`);
      } else {
        assert.equal(header, undefined, `${route.method} ${route.path} is not idempotent but declares Idempotency-Key`);
      }
    }
  });

  it('is written valid to dist/openapi.json by the package build', async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] });
    const written = JSON.parse(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8')) as Json;
    await assertValidOpenApi(written, 'dist/openapi.json');
    assert.deepEqual(written, JSON.parse(JSON.stringify(doc)), 'dist/openapi.json matches openApiDocument()');
  });
});
