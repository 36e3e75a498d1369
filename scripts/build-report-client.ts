// `npm run build` step: bundle the report's client (reports/client/) into
// dist/reports/client.bundle.js, which reports/client-bundle.ts reads at run time.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_BUILD_OPTIONS, CLIENT_ENTRY } from '../reports/client-build.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'dist', 'reports', 'client.bundle.js');
mkdirSync(dirname(out), { recursive: true });
await build({ ...CLIENT_BUILD_OPTIONS, entryPoints: [join(root, 'reports', CLIENT_ENTRY)], outfile: out });
console.log(`report client: ${out}`);
