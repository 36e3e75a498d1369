// Where the test histories live: in-repo copies under test/fixtures/histories (see its README).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const porcupineKvDir = resolve(repoRoot, 'test/fixtures/histories/porcupine-kv');
