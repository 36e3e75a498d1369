// The run hash of every shipped scenario (scenarios/**, test/fixtures/scenarios/*.yaml) for
// seeds 0-7 at the fuzz and full recording levels: one line per run. A pure optimisation
// must leave this output byte for byte unchanged. TRACE=1 adds, at the full level, a digest
// of the whole trace (every row, as JSON): for changes to what the full level records.
//   node --import tsx scripts/hash-baseline.ts > before.txt
//   ... change ...
//   node --import tsx scripts/hash-baseline.ts --check before.txt
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/runner.js';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (name.endsWith('.yaml')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const checkAt = args.indexOf('--check');
const seeds = Number(process.env.SEEDS ?? 8);
const files = [...yamlFiles('scenarios'), ...yamlFiles('test/fixtures/scenarios')];
const lines: string[] = [];
for (const file of files) {
  for (const record of ['fuzz', 'full'] as const) {
    for (let seed = 0; seed < seeds; seed++) {
      let line: string;
      try {
        const loaded = await loadScenario(file, { seed: String(seed), record });
        const run = runScenario(loaded);
        line = `${file} ${record} ${seed} ${run.result.hash} ${run.verdict}`;
        if (process.env.TRACE === '1' && record === 'full') line += ` trace ${run.result.trace?.length ?? 0} ${createHash('sha1').update(JSON.stringify(run.result.trace ?? [])).digest('hex').slice(0, 16)}`;
      } catch (error) {
        line = `${file} ${record} ${seed} error ${(error as Error).message.split('\n')[0]!.replaceAll(process.cwd() + '/', '')}`;
      }
      lines.push(line);
      if (checkAt < 0) console.log(line);
    }
  }
}
if (checkAt >= 0) {
  const before = readFileSync(args[checkAt + 1]!, 'utf8').trimEnd().split('\n');
  const was = new Map(before.map((l) => [l.split(' ').slice(0, 3).join(' '), l]));
  let differ = 0;
  for (const line of lines) {
    const key = line.split(' ').slice(0, 3).join(' ');
    if (was.get(key) !== line) {
      differ++;
      if (differ <= 20) console.log(`was: ${was.get(key) ?? '(none)'}\nnow: ${line}`);
    }
  }
  console.log(`${lines.length} runs, ${differ} differ`);
  process.exitCode = differ === 0 ? 0 : 1;
}
