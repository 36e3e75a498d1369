// The CLI from the sources, without a build: `npx tsx bin/faultline-dev.ts run ...`.
import { main } from '../cli/main.js';

main(process.argv.slice(2));
