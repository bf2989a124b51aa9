import { mkdirSync, writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/openapi.js';

mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
const out = new URL('../dist/openapi.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
