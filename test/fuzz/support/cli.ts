// The CLI with the fuzz commands registered, for end-to-end tests in a child process
// (cli/main.ts registers them once the lead wires them in; this keeps the tests independent).
import { buildCli } from '../../../cli/main.js';
import { fuzzCommand } from '../../../cli/commands/fuzz.js';
import { mergeCommand } from '../../../cli/commands/merge.js';
import { replayCommand } from '../../../cli/commands/replay.js';
import { shrinkCommand } from '../../../cli/commands/shrink.js';
import { captureIo } from '../helpers.js';

export function fuzzCli(argv: readonly string[]) {
  return buildCli(argv).command(fuzzCommand).command(replayCommand).command(shrinkCommand).command(mergeCommand);
}

/** Run the CLI in this process: its exit code, stdout, and stderr (progress included). */
export async function runFuzzCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const stderr = process.stderr.write;
  const progress: string[] = [];
  process.stderr.write = ((chunk: string) => (progress.push(String(chunk)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await fuzzCli(argv).parseAsync();
  } finally {
    process.stderr.write = stderr;
    io.restore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out: io.out.join('\n'), err: [...progress, ...io.err].join('') };
}

if (process.argv[1]?.endsWith('cli.ts')) {
  try {
    await fuzzCli(process.argv.slice(2)).parseAsync();
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    if (!process.exitCode) process.exitCode = (error as { name?: string }).name === 'InputError' ? 2 : 4;
  }
}
