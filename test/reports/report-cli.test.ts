// The report from the CLI: run --report, replay (beside the failure file by default),
// fuzz --report (one per failure), report (one run or --diff of two), and the page's shell:
// one file, its script pinned by hash in the CSP, the data only inside the base64 blob.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeHtml, scriptSafe } from '../../reports/html.js';
import { decodeReport } from '../../reports/shared/codec.js';
import type { ReportData } from '../../reports/shared/data.js';
import { runCli } from '../cli/helpers/capture.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-report-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The report file's embedded data, decoded as the page does. */
export function dataOf(html: string): ReportData {
  const m = /<script type="application\/octet-stream" id="faultline-data">([A-Za-z0-9+/=]*)<\/script>/.exec(html);
  if (!m) throw new Error('no data element');
  return decodeReport(new Uint8Array(Buffer.from(m[1], 'base64')));
}

describe('the page', () => {
  it('is one file: a CSP that allows only its own script, by hash, and nothing fetched', async () => {
    const dir = tempDir();
    const out = join(dir, 'f8.html');
    const r = await runCli(['run', 'scenarios/raft/figure-8.yaml', '--report', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/report: .*f8\.html \(\d/);
    const html = readFileSync(out, 'utf8');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    const code = scripts[1][2];
    const hash = createHash('sha256').update(code, 'utf8').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    // No URL to fetch anything from: no src=, no href= to http(s), no @import.
    expect(html).not.toMatch(/\ssrc=|https?:\/\/(?!www\.w3\.org)|@import/);
    const data = dataOf(html);
    expect(data.runs[0].meta.scenario).toBe('figure-8');
    expect(data.runs[0].meta.violations[0].checker).toBe('commit-current-term');
  });

  it('escapes text and scripts', () => {
    expect(escapeHtml(`<img src=x onerror="a('1')">&`)).toBe('&#60;img src=x onerror=&#34;a(&#39;1&#39;)&#34;&#62;&#38;');
    expect(scriptSafe('a="</script><script>x</SCRIPT>"; b="<!--"')).toBe('a="<\\/script><script>x<\\/SCRIPT>"; b="<\\!--"');
  });
});

describe('report commands', () => {
  it('run --report refuses a missing folder and a fuzz recording level (exit 2, nothing written)', async () => {
    const dir = tempDir();
    const missing = await runCli(['run', 'scenarios/raft/figure-8.yaml', '--report', join(dir, 'nope', 'x.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--report/);
    const fuzz = await runCli(['run', 'scenarios/raft/figure-8.yaml', '--report', join(dir, 'x.html'), '--record', 'fuzz']);
    expect(fuzz.code).toBe(2);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it('fuzz --report writes one report per failure, and replay writes one beside the failure file (unless --no-report)', async () => {
    const dir = tempDir();
    const r = await runCli(['fuzz', 'scenarios/raft/nemesis.yaml', '--bug', 'figure-8', '--seeds', '6', '--workers', '1', '--out', dir, '--report']);
    expect(r.code).toBe(1);
    const failures = readdirSync(dir).filter((f) => /--seed-\d+\.json$/.test(f));
    const reports = readdirSync(dir).filter((f) => f.endsWith('.report.html'));
    expect(failures.length).toBeGreaterThan(0);
    expect(reports.sort()).toEqual(failures.map((f) => f.replace(/\.json$/, '.report.html')).sort());
    const data = dataOf(readFileSync(join(dir, reports[0]), 'utf8'));
    expect(data.runs[0].meta.replay).toMatch(/^faultline replay /);
    expect(data.runs[0].meta.shrink).toMatch(/^faultline shrink /);

    // replay: the default report beside the file, another path, or none.
    const failure = join(dir, failures[0]);
    const beside = failure.replace(/\.json$/, '.report.html');
    rmSync(beside);
    const replayed = await runCli(['replay', failure]);
    expect(replayed.code).toBe(1);
    expect(existsSync(beside)).toBe(true);
    expect(replayed.stdout).toContain('report: ');
    const elsewhere = join(dir, 'elsewhere.html');
    expect((await runCli(['replay', failure, '--report', elsewhere])).code).toBe(1);
    expect(existsSync(elsewhere)).toBe(true);
    rmSync(beside);
    const none = await runCli(['replay', failure, '--no-report']);
    expect(none.code).toBe(1);
    expect(existsSync(beside)).toBe(false);
  });

  it('report writes one run from a scenario or a failure file, and --diff two with their divergence', async () => {
    const dir = tempDir();
    const one = join(dir, 'one.html');
    const r = await runCli(['report', 'scenarios/raft/figure-8.yaml', '--seed', '1', '--out', one]);
    expect(r.code).toBe(0);
    expect(dataOf(readFileSync(one, 'utf8')).runs.length).toBe(1);

    const diff = join(dir, 'diff.html');
    const d = await runCli(['report', '--diff', 'scenarios/raft/figure-8.yaml', 'scenarios/raft/figure-8.yaml', '--seed-b', '2', '--out', diff]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/first divergence: /);
    const data = dataOf(readFileSync(diff, 'utf8'));
    expect(data.runs.map((x) => x.meta.seed)).toEqual(['1', '2']);
    expect(data.divergence).toBeDefined();

    const same = join(dir, 'same.html');
    const s = await runCli(['report', '--diff', 'scenarios/raft/figure-8.yaml', 'scenarios/raft/figure-8.yaml', '--out', same]);
    expect(s.stdout).toMatch(/do not diverge/);
    expect(dataOf(readFileSync(same, 'utf8')).divergence).toBeUndefined();
  });

  it('report refuses the wrong number of inputs and misplaced seeds (exit 2)', async () => {
    expect((await runCli(['report', 'a.yaml', 'b.yaml'])).code).toBe(2);
    expect((await runCli(['report', '--diff', 'scenarios/raft/figure-8.yaml'])).code).toBe(2);
    expect((await runCli(['report', 'scenarios/raft/figure-8.yaml', '--seed-b', '2'])).code).toBe(2);
    const missing = await runCli(['report', 'no-such-scenario.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--trace-format perfetto', () => {
  it('run and replay write Chrome Trace Event JSON that passes the format checks', async () => {
    const { traceProblems } = await import('./chrome-trace-check.js');
    const dir = tempDir();
    const out = join(dir, 'f8.trace.json');
    const r = await runCli(['run', 'scenarios/raft/figure-8.yaml', '--trace-out', out, '--trace-format', 'perfetto']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Chrome Trace Event JSON');
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: Array<{ ph: string; name: string }>; otherData: Record<string, unknown> };
    expect(traceProblems(trace)).toEqual([]);
    expect(trace.otherData.scenario).toBe('figure-8');
    expect(trace.traceEvents.some((e) => e.name.startsWith('violation: commit-current-term'))).toBe(true);

    const fuzzDir = tempDir();
    expect((await runCli(['fuzz', 'scenarios/raft/nemesis.yaml', '--bug', 'figure-8', '--seeds', '3', '--workers', '1', '--out', fuzzDir, '--max-failures', '1'])).code).toBe(1);
    const failure = join(fuzzDir, readdirSync(fuzzDir).find((f) => /--seed-\d+\.json$/.test(f))!);
    const replayed = await runCli(['replay', failure, '--trace-format', 'perfetto', '--no-report']);
    expect(replayed.code).toBe(1);
    const beside = failure.replace(/\.json$/, '.trace.json');
    expect(traceProblems(JSON.parse(readFileSync(beside, 'utf8')))).toEqual([]);
  });
});

describe('a protocol exception in a report', () => {
  it('is the violation, with the node that threw, its row on that node and the stack', async () => {
    const dir = tempDir();
    const out = join(dir, 'echo.html');
    const r = await runCli(['run', 'test/fixtures/scenarios/minimal.yaml', '--bug', 'crash', '--seed', '99', '--report', out]);
    expect(r.code).toBe(1);
    const run = dataOf(readFileSync(out, 'utf8')).runs[0];
    const v = run.meta.violations[0];
    expect(v.checker).toBe('protocol-exception');
    expect(v.node).toBe('n1');
    expect(v.lane).toBe(0);
    expect(v.stack).toMatch(/onRequest/);
    expect(run.rows.lane[v.row]).toBeGreaterThanOrEqual(0);
  });
});

describe('report --timeout', () => {
  it('a run stopped by the timeout is undecided (exit 3) and writes no report; one that finishes writes it', async () => {
    const dir = tempDir();
    const long = join(dir, 'long.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(long, 'name: long\nprotocol: raft\nnodes: 3\nduration: 600m\nclients: { count: 3 }\n');
    const out = join(dir, 'long.html');
    const r = await runCli(['report', long, '--timeout', '300ms', '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/undecided: the run of .*long\.yaml was stopped by --timeout 300ms after [\d,]+ events; no report written/);
    expect(existsSync(out)).toBe(false);
    const ok = join(dir, 'happy.html');
    expect((await runCli(['report', 'scenarios/raft/happy.yaml', '--timeout', '60s', '--out', ok])).code).toBe(0);
    expect(existsSync(ok)).toBe(true);
    expect((await runCli(['report', 'scenarios/raft/happy.yaml', '--timeout', '0s'])).code).toBe(2);
  });
});
