// Schema modules import `* as z from './zod.js'`, so this module's body (the CSP-safe configuration)
// runs before any schema is built: zod otherwise probes `new Function`, which a strict CSP reports
// (THREATS 19). Namespace imports used by property access stay tree-shakable.
import { config } from 'zod/mini';

config({ jitless: true });

export * from 'zod/mini';
