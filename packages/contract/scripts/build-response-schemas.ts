// Writes src/generated/response-schemas.ts (the browser's copy of the response schemas) from the zod
// schemas. Run by `npm run build`; run it alone after changing a response or event schema:
//   node --conditions=source --import tsx packages/contract/scripts/build-response-schemas.ts
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { GENERATED_PATH, responseSchemasModule } from './response-schemas.js';

const source = responseSchemasModule();
let current = '';
try {
  current = readFileSync(GENERATED_PATH, 'utf8');
} catch {}
if (source === current) console.log(`up to date: ${GENERATED_PATH}`);
else {
  // Replaced in one step: a test importing the module never reads half a file.
  writeFileSync(`${GENERATED_PATH}.tmp`, source);
  renameSync(`${GENERATED_PATH}.tmp`, GENERATED_PATH);
  console.log(`wrote ${GENERATED_PATH}`);
}
