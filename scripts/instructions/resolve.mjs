// ir-per-event.sh's helper: callgrind's per-function counts ("IR NAME" lines), with the
// addresses of JIT code named from V8's perf map (--perf-basic-prof), summed by name:
// "IR<TAB>NAME" lines. A code address reused by later code is named after the last code there.
import { readFileSync } from 'node:fs';

const [mapFile, countsFile] = process.argv.slice(2);
const ranges = readFileSync(mapFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [start, size, ...name] = line.split(' ');
    return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ').replace(/file:\/\/\/.*?\/dist\//, '') };
  });
const sums = new Map();
for (const line of readFileSync(countsFile, 'utf8').split('\n')) {
  const space = line.indexOf(' ');
  if (space < 0) continue;
  const ir = Number(line.slice(0, space));
  let name = line.slice(space + 1).replace(/^\?\?\?:/, '');
  const address = /^0x([0-9a-f]+)/.exec(name);
  if (address) {
    const a = parseInt(address[1], 16);
    let found;
    for (const r of ranges) if (a >= r.start && a < r.end) found = r;
    if (found) name = found.name;
  }
  sums.set(name, (sums.get(name) ?? 0) + ir);
}
for (const [name, ir] of sums) console.log(`${ir}\t${name}`);
