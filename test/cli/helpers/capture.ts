// Run the CLI in-process and capture what it prints and the exit code it sets.
import { vi } from 'vitest';
import { main } from '../../../cli/main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Call main(argv) with stdout and stderr captured; restores process.exitCode afterwards. */
export async function runCli(argv: readonly string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const write = (sink: 'out' | 'err') => (chunk: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (sink === 'out') stdout += text;
    else stderr += text;
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(write('out') as typeof process.stdout.write),
    vi.spyOn(process.stderr, 'write').mockImplementation(write('err') as typeof process.stderr.write),
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void write('out')(`${args.join(' ')}\n`)),
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void write('err')(`${args.join(' ')}\n`)),
  ];
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(argv);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.exitCode = before;
    for (const spy of spies) spy.mockRestore();
  }
}
