// Spawning the CLI from sources for the hostile suites (as test/cli does): tsx, the dev entry.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENTRY = fileURLToPath(new URL('../cli/helpers/entry.ts', import.meta.url));
