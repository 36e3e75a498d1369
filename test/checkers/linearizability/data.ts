// Where the shared test histories live: used in place, never copied into the repo.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const porcupineKvDir = resolve(repoRoot, '../shared/data/histories/porcupine-kv');
