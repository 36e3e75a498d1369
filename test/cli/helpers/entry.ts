// Entry point for tests that spawn the CLI as a real process: `node --import tsx test/cli/helpers/entry.ts ...`.
import { main } from '../../../cli/main.js';

await main(process.argv.slice(2));
