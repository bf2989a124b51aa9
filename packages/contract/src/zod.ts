// Every schema module imports `z` from here, so the CSP-safe configuration is applied before any
// schema is built: zod otherwise probes `new Function`, which a strict CSP reports (THREATS 19).
import * as z from 'zod/mini';

z.config({ jitless: true });

export { z };
