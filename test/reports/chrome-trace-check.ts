// A validator for Chrome Trace Event JSON, written for the Perfetto export's tests: a zod
// schema of the events (the fields each phase requires, their types) and the structural
// rules a schema cannot say (flow pairing and binding, async pairing, slices that do not
// overlap on a thread, a name for every process). Each rule returns readable problems, so
// a negative test can show which rule caught a broken trace.
import { z } from 'zod';

const id = z.union([z.number().int().nonnegative(), z.string().min(1)]);
/** Fields every event has. zod 4 numbers are finite: NaN and Infinity fail too. */
const common = {
  name: z.string().min(1),
  cat: z.string().min(1).optional(),
  ts: z.number().nonnegative(),
  pid: z.number().int().nonnegative(),
  tid: z.number().int().nonnegative(),
  cname: z.string().min(1).optional(),
  args: z.record(z.string(), z.unknown()).optional(),
};

const complete = z.strictObject({ ...common, ph: z.literal('X'), dur: z.number().nonnegative() });
const instant = z.strictObject({ ...common, ph: z.literal('i'), s: z.enum(['g', 'p', 't']) });
const flowStart = z.strictObject({ ...common, ph: z.literal('s'), cat: z.string().min(1), id });
const flowEnd = z.strictObject({ ...common, ph: z.literal('f'), cat: z.string().min(1), id, bp: z.literal('e').optional() });
const asyncBegin = z.strictObject({ ...common, ph: z.literal('b'), cat: z.string().min(1), id });
const asyncEnd = z.strictObject({ ...common, ph: z.literal('e'), cat: z.string().min(1), id });
/** Counter values are numbers, at least one series. */
const counter = z.strictObject({
  ...common,
  ph: z.literal('C'),
  args: z.record(z.string(), z.number()).refine((a) => Object.keys(a).length > 0, 'a counter needs a value'),
});
/** Metadata: the names viewers read, each with its own args. */
const METADATA_ARGS = {
  process_name: z.strictObject({ name: z.string().min(1) }),
  thread_name: z.strictObject({ name: z.string().min(1) }),
  process_sort_index: z.strictObject({ sort_index: z.number().int() }),
  thread_sort_index: z.strictObject({ sort_index: z.number().int() }),
} as const;
const metadata = z
  .strictObject({ ...common, ph: z.literal('M'), name: z.enum(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']), args: z.record(z.string(), z.unknown()) })
  .superRefine((e, ctx) => {
    const args = METADATA_ARGS[e.name].safeParse(e.args);
    for (const issue of args.success ? [] : args.error.issues) ctx.addIssue({ code: 'custom', message: `${e.name} args: ${issue.message}`, path: ['args', ...issue.path.map(String)] });
  });

export const traceEventSchema = z.discriminatedUnion('ph', [complete, instant, flowStart, flowEnd, asyncBegin, asyncEnd, counter, metadata]);
export type CheckedEvent = z.infer<typeof traceEventSchema>;

export const chromeTraceSchema = z.strictObject({
  traceEvents: z.array(traceEventSchema),
  displayTimeUnit: z.enum(['ms', 'ns']).optional(),
  otherData: z.record(z.string(), z.string()).optional(),
});

/** Schema problems, one line each ('' path for the root). */
export function schemaProblems(trace: unknown): string[] {
  const parsed = chromeTraceSchema.safeParse(trace);
  if (parsed.success) return [];
  return parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.')}: ${i.message}`);
}

const thread = (e: { pid: number; tid: number }): string => `${e.pid}/${e.tid}`;

/** Complete slices of each thread, sorted by ts, for enclosure look-ups. */
function slicesByThread(events: readonly CheckedEvent[]): Map<string, Array<{ ts: number; end: number }>> {
  const out = new Map<string, Array<{ ts: number; end: number }>>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const list = out.get(thread(e)) ?? [];
    list.push({ ts: e.ts, end: e.ts + e.dur });
    out.set(thread(e), list);
  }
  for (const list of out.values()) list.sort((a, b) => a.ts - b.ts || a.end - b.end);
  return out;
}

/** Is there a slice on this thread whose span holds ts? (Slices on a thread do not overlap: checked separately.) */
function enclosed(slices: Map<string, Array<{ ts: number; end: number }>>, e: { pid: number; tid: number; ts: number }): boolean {
  const list = slices.get(thread(e));
  if (list === undefined) return false;
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].ts <= e.ts) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best >= 0 && e.ts <= list[best].end;
}

/** The structural rules. The trace must have passed the schema. */
export function structureProblems(events: readonly CheckedEvent[]): string[] {
  const problems: string[] = [];
  const slices = slicesByThread(events);

  // Slices on one thread are laid end to end, never overlapping (so every binding is unambiguous).
  for (const [key, list] of slices) {
    for (let i = 1; i < list.length; i++) {
      if (list[i].ts < list[i - 1].end) {
        problems.push(`thread ${key}: slice at ${list[i].ts} overlaps the one at ${list[i - 1].ts}`);
        break;
      }
    }
  }

  // Flows: one start and one finish per (cat, name, id), the finish not before the start, both inside a slice of their thread.
  const starts = new Map<string, CheckedEvent>();
  const finishes = new Map<string, CheckedEvent>();
  for (const e of events) {
    if (e.ph !== 's' && e.ph !== 'f') continue;
    const key = `${e.cat}|${e.name}|${e.id}`;
    const map = e.ph === 's' ? starts : finishes;
    if (map.has(key)) problems.push(`flow ${key}: two '${e.ph}' events`);
    map.set(key, e);
    if (!enclosed(slices, e)) problems.push(`flow ${key}: '${e.ph}' at ${e.ts} on ${thread(e)} is in no slice`);
    if (e.ph === 'f' && e.bp !== 'e') problems.push(`flow ${key}: finish does not bind to its enclosing slice (bp 'e')`);
  }
  for (const [key, s] of starts) {
    const f = finishes.get(key);
    if (f === undefined) problems.push(`flow ${key}: start without a finish`);
    else if (f.ts < s.ts) problems.push(`flow ${key}: finish at ${f.ts} before its start at ${s.ts}`);
  }
  for (const key of finishes.keys()) if (!starts.has(key)) problems.push(`flow ${key}: finish without a start`);

  // Async slices: one begin and one end per (pid, cat, name, id), the end not before the begin.
  const begins = new Map<string, CheckedEvent>();
  const ends = new Map<string, CheckedEvent>();
  for (const e of events) {
    if (e.ph !== 'b' && e.ph !== 'e') continue;
    const key = `${e.pid}|${e.cat}|${e.name}|${e.id}`;
    const map = e.ph === 'b' ? begins : ends;
    if (map.has(key)) problems.push(`async ${key}: two '${e.ph}' events`);
    map.set(key, e);
  }
  for (const [key, b] of begins) {
    const e = ends.get(key);
    if (e === undefined) problems.push(`async ${key}: begin without an end`);
    else if (e.ts < b.ts) problems.push(`async ${key}: ends before it begins`);
  }
  for (const key of ends.keys()) if (!begins.has(key)) problems.push(`async ${key}: end without a begin`);

  // Every process that has events has a name.
  const named = new Set<number>();
  for (const e of events) if (e.ph === 'M' && e.name === 'process_name') named.add(e.pid);
  const unnamed = new Set<number>();
  for (const e of events) if (!named.has(e.pid)) unnamed.add(e.pid);
  for (const pid of unnamed) problems.push(`pid ${pid} has no process_name`);
  return problems.slice(0, 50);
}

/** Schema problems, then (when the schema holds) structural ones. */
export function traceProblems(trace: unknown): string[] {
  const schema = schemaProblems(trace);
  if (schema.length > 0) return schema;
  return structureProblems(chromeTraceSchema.parse(trace).traceEvents);
}
