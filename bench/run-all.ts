// `npm run bench`: every benchmark, one after the other. Figures only; nothing asserts on time.
import { existsSync } from 'node:fs';

const benches = ['kernel', 'linearizability', 'transactions', 'fuzz', 'report', 'startup'];
for (const name of benches) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) continue;
  console.log(`\n# ${name}`);
  const mod = (await import(file.href)) as { main: () => Promise<void> | void };
  await mod.main();
}
