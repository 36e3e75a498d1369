// Run the CLI as a real process (through tsx), for exit codes and output as a user sees them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: readonly string[], options: { cwd?: string; color?: boolean } = {}): Spawned {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  if (options.color) env.FORCE_COLOR = '1';
  else env.NO_COLOR = '1';
  const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
