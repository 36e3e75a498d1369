// V8's heap sizing for long runs (issue #16: one hour simulated keeps a flat RSS). What a
// bounded run holds stays flat (its heap after a GC is the same at 60 s and at 3600 s
// simulated), but V8's defaults let the young generation grow to two 16 MB semi-spaces and
// the old generation to about four times its live size before the next major GC: peak RSS
// then climbs with the length of the run (bench/memory.ts: 86 MB at 60 s, 113 MB at 3600 s
// simulated for the classic Raft nemesis, 131 MB at 7200 s) though nothing leaks.
//
// holdHeapFlat() asks V8 for its tighter settings, for the rest of the process: the young
// generation keeps its starting size (--semi-space-growth-factor=1) and the old generation
// grows by half of what a major GC leaves (--heap-growing-percent=50). Both are read by the
// GC each time it sizes a space, so they work when set at run time (v8.setFlagsFromString),
// unlike --max-semi-space-size, which is read once at start. The price is GC time: for 3600 s
// simulated bounded (about 9 s of CPU), 1,144 scavenges and 23 full GCs instead of 290 and 6,
// about 0.5 s more in GC pauses; peak RSS 99 MB instead of 167 MB.
// `faultline run --history bounded` (the long-run mode) calls it; a flag the user gave node
// (NODE_OPTIONS or the command line) wins. They change nothing in a run but its memory.
import { setFlagsFromString } from 'node:v8';

export const FLAT_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'] as const;

let held = false;

/** Set FLAT_HEAP_FLAGS (each unless node was given it already). Idempotent. */
export function holdHeapFlat(): void {
  if (held) return;
  held = true;
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.replace(/_/g, '-');
  for (const flag of FLAT_HEAP_FLAGS) {
    const name = flag.slice(0, flag.indexOf('='));
    if (!given.includes(name)) setFlagsFromString(flag);
  }
}
