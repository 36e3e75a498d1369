// The corpus runner's child process: runs cases of a manifest one after the other, each
// through the CLI's own main() in this process (no process start per case), and reports each
// start and end to the parent over IPC. The parent kills this process when a case overruns
// its time limit (a hang in a synchronous loop cannot be interrupted from inside) and starts
// a new one at the next case.
import { readFileSync } from 'node:fs';
import { main } from '../../cli/main.js';
import type { ChildMessage, Manifest } from './driver.js';

const [manifestPath, startText] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
const send = (message: ChildMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

let stdout = '';
let stderr = '';
const warnings: string[] = [];
const CAP = 20_000;
const realOut = process.stdout.write.bind(process.stdout);
const capture = (sink: 'out' | 'err') =>
  ((chunk: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (sink === 'out') stdout = stdout.length < CAP ? stdout + text : stdout;
    else stderr = stderr.length < CAP ? stderr + text : stderr;
    return true;
  }) as typeof process.stdout.write;
process.stdout.write = capture('out');
process.stderr.write = capture('err');
process.removeAllListeners('warning');
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
void realOut;

for (let i = Number(startText); i < manifest.cases.length; i++) {
  const c = manifest.cases[i];
  await send({ type: 'start', index: i });
  stdout = '';
  stderr = '';
  warnings.length = 0;
  process.exitCode = undefined;
  const started = performance.now();
  let thrown: string | undefined;
  try {
    await main(c.argv);
  } catch (error) {
    thrown = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  const ms = performance.now() - started;
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  await send({ type: 'done', index: i, code, ms, stdout, stderr, warnings: [...warnings], ...(thrown ? { thrown } : {}) });
}
await send({ type: 'finished' });
process.disconnect?.();
