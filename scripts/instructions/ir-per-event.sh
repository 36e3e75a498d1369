#!/bin/bash
# Instructions per event in the steady state, counted by valgrind's callgrind: the mutator
# figure repeats to about 0.1-0.5% from run to run, where CPU time on a shared 2-core
# machine spreads by 30%. A development tool, not part of `npm run bench` (it needs
# valgrind and takes a minute or two).
#
#   npm run build && scripts/instructions/ir-per-event.sh
#   FILE=scenarios/zab/nemesis.yaml LEVEL=full SEEDS=10 WARM=20 TOP=30 scripts/instructions/ir-per-event.sh
#   CHECKS= ...            no invariants ('' ) or only the named ones (a,b)
#   RUN=fuzz-seed ...      the seeds as a fuzz worker runs them (explore/execute.ts: swarm knobs,
#                          linearizability checked) instead of runSimulation alone
#
# It runs scripts/instructions/run.mjs twice at once under callgrind, with WARM warm-up
# seeds and then 0 or SEEDS measured seeds, and divides the difference by the measured
# events: the start-up, the loading and the warm-up cancel. --single-threaded keeps V8's
# compiler and GC on the main thread, so every instruction is counted; --hash-seed and
# --random-seed fix V8's per-process randomness (the prime search for its hash seed alone
# moved the difference by up to 150 Ir/event, at random); --perf-basic-prof
# names the JIT code (JS:*name file:line is optimised, ^ baseline, ~ interpreted).
# Printed: the total, the part in V8's compiler and in its GC and write barrier (matched
# by name, roughly), the rest (the mutator: JS code and builtins), and the TOP functions.
# The GC part moves with where a major GC falls; compare mutator figures across changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SEEDS:-10}; W=${WARM:-20}; TOP=${TOP:-25}
command -v valgrind >/dev/null || { echo "ir-per-event: valgrind is not installed" >&2; exit 2; }
[ -f dist/sim/world.js ] || { echo "ir-per-event: run npm run build first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one() {
  WARM=$W SEEDS=$1 valgrind --tool=callgrind --callgrind-out-file="$tmp/$1.out" node --single-threaded --hash-seed=1 --random-seed=1 --perf-basic-prof --logfile="$tmp/v8-$1.log" --no-compact-code-space scripts/instructions/run.mjs > "$tmp/$1.txt" 2>&1
  local pid; pid=$(grep -oE '^==[0-9]+==' "$tmp/$1.txt" | head -1 | tr -d =)
  callgrind_annotate --threshold=100 "$tmp/$1.out" 2>/dev/null | awk '/file:function/{f=1;next} f' \
    | sed -E 's/^ *([0-9,]+) +\( *[0-9.]+%\) +(.*) \[[^]]*\]$/\1 \2/' | grep -E '^[0-9,]+ ' | tr -d , > "$tmp/$1.fn"
  node scripts/instructions/resolve.mjs "/tmp/perf-$pid.map" "$tmp/$1.fn" > "$tmp/$1.res"
  rm -f "/tmp/perf-$pid.map"
}
one 0 & one "$S" & wait
events=$(awk '/^events /{print $2}' "$tmp/$S.txt")
echo "${FILE:-scenarios/raft/nemesis.yaml} ${LEVEL:-fuzz} at $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'): $S seeds after $W, $events events"
awk -v ev="$events" -v top="$TOP" -F'\t' '
  NR == FNR { base[$2] = $1; next }
  { d = $1 - base[$2]; tot += d; if (d / ev >= 1) row[$2] = d / ev
    if ($2 ~ /v8::internal::compiler|v8::internal::(maglev|Parser|Scanner|Ast|Bytecode|interpreter|Compiler|Serializer|Deserializer|baseline)|LiveRange|RegisterAllocat/) jit += d
    else if ($2 ~ /Scaveng|Mark|Sweep|Evacuat|Concurrent|LiveObject|RecordMigrated|Pretenuring|SemiSpace|MemoryChunk|PagedSpace|WriteBarrier|RecordWrite|heap::base|v8::internal::Heap|SlotSet|RememberedSet/) gc += d }
  END {
    printf "%8.0f Ir/event in all\n%8.0f   mutator (JS and builtins)\n%8.0f   V8 compiler\n%8.0f   GC and write barrier\n", tot / ev, (tot - jit - gc) / ev, jit / ev, gc / ev
    n = 0; cmd = "sort -rn | head -" top
    for (k in row) printf "%8.0f   %s\n", row[k], k | cmd
  }' "$tmp/0.res" "$tmp/$S.res"
