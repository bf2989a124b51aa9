// Every schema module imports `z` from here, so the CSP-safe configuration is applied before any
// schema is built: zod otherwise probes `new Function`, which a strict CSP reports (THREATS 19).
// Modules take it as `import * as z from './zod.js'`: re-exporting an imported namespace as a value
// (`import * as z …; export { z }`) defeats esbuild's tree shaking and bundles all of zod (≈85 KiB gzip).
import { config } from 'zod/mini';

config({ jitless: true });

export * from 'zod/mini';
