import { ERROR_STATUS, ErrorBody } from './errors.js';
import { ROUTES, type RouteSpec } from './routes.js';
import * as z from './zod.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodMiniType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;

const strip = ({ $schema: _ignored, ...rest }: Json): Json => rest;

const errorResponse = { $ref: '#/components/responses/Error' };

function operation(route: RouteSpec): Json {
  const parameters: Json[] = [];
  for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
    parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query) {
    const q = schema(route.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(q.properties ?? {})) {
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
    }
  }
  if (route.idempotent) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'One key per user intent, reused across retries.',
      schema: { type: 'string', minLength: 8, maxLength: 255 },
    });
  }
  if (route.path === '/v1/events') {
    parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } });
  }
  const success: Json = { description: route.summary };
  if (route.response) {
    success.content = { 'application/json': { schema: strip(schema(route.response, 'output')) } };
  } else if (route.contentType) {
    success.content = { [route.contentType]: { schema: { type: 'string' } } };
  }
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    parameters,
    responses: { [String(route.status)]: success, default: errorResponse },
  };
  if (route.auth !== 'none') op.security = [{ [route.auth === 'session' ? 'sessionToken' : 'secretKey']: [] }];
  else op.security = [];
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: strip(schema(route.body, 'input')) } },
    };
  }
  return op;
}

/** The OpenAPI 3.1 document of the v1 API, generated from the same schemas the code validates with. */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  const codes = Object.entries(ERROR_STATUS)
    .map(([code, status]) => `\`${code}\` (${status})`)
    .join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'creditkit platform API',
      version: '1.0.0',
      description:
        'Credits are integer millicredits (1 credit = 1000); money is integer minor units plus an ISO 4217 ' +
        `currency. Every error has the shape {error: {code, message, requestId}}. Codes: ${codes}.`,
    },
    servers: [{ url: 'https://api.platform.example' }],
    paths,
    components: {
      securitySchemes: {
        sessionToken: { type: 'http', scheme: 'bearer', description: 'Short-lived session token for one sub-account.' },
        secretKey: { type: 'http', scheme: 'bearer', description: 'Agency secret key. Server to server only.' },
      },
      responses: {
        Error: {
          description: 'Any failure',
          content: { 'application/json': { schema: strip(schema(ErrorBody, 'output')) } },
        },
      },
    },
  };
}
