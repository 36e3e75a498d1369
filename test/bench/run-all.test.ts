// bench/run-all.ts: one step per child process, the table at the end, JSON on request, and
// a step that throws fails the run. Small smoke steps only; no figure is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/table.js';

const dir = mkdtempSync(join(tmpdir(), 'faultline-run-all-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAll(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/run-all.ts', '--smoke', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
}

describe('bench/run-all.ts', () => {
  it('prints the summary table and writes it as JSON, with each step\'s own peak RSS', () => {
    const json = join(dir, 'ok.json');
    const r = runAll(['--only', 'transactions,growth', '--json', json]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/# summary \(smoke/);
    expect(r.stdout).toMatch(/^bench +figure +value +unit +goal +status +peak MB +note$/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.schema).toBe(1);
    expect(report.smoke).toBe(true);
    expect(report.steps.map((s) => s.bench)).toEqual(['growth', 'transactions']);
    const transactions = report.steps[1];
    expect(transactions.ok).toBe(true);
    expect(transactions.peakRssMb).toBeGreaterThan(10);
    expect(transactions.rows.length).toBeGreaterThanOrEqual(5);
    expect(report.rows.filter((row) => row.bench === 'transactions').every((row) => row.unit === 'ms' && typeof row.figure === 'number')).toBe(true);
  });

  it('fails (exit 1) when a step throws, and still prints the table', () => {
    const r = runAll(['--only', 'report'], { BENCH_REPORT_SCENARIO: join(dir, 'no-such-scenario.yaml') });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^report +\(failed\) .*no-such-scenario\.yaml/m);
    expect(r.stdout).toMatch(/FAILED steps: report/);
  });
});
