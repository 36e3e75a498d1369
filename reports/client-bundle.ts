// The report's client code as one script. After `npm run build` it is the file esbuild
// wrote beside this module (dist/reports/client.bundle.js). Run from the sources (tsx,
// vitest), it is bundled from reports/client/ on first use with esbuild, a development
// dependency, so an edit to the client shows in the next report without a build.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLIENT_BUILD_OPTIONS, CLIENT_ENTRY } from './client-build.js';

let cached: string | undefined;

export async function clientBundle(): Promise<string> {
  if (cached !== undefined) return cached;
  const built = fileURLToPath(new URL('./client.bundle.js', import.meta.url));
  if (existsSync(built) && !import.meta.url.endsWith('.ts')) {
    cached = readFileSync(built, 'utf8');
    return cached;
  }
  const esbuild = await import('esbuild');
  const entry = fileURLToPath(new URL(CLIENT_ENTRY, import.meta.url));
  const result = await esbuild.build({ ...CLIENT_BUILD_OPTIONS, entryPoints: [entry], write: false });
  cached = result.outputFiles![0].text;
  return cached;
}
