// Hand-built contexts for driving two-phase commit's handlers directly (no scheduler): a
// coordinator n1 (node 0) and participants n2..n4 (nodes 1..3); the client is endpoint 4.
import { Coordinator } from '../../../protocols/twopc/coordinator.js';
import type { TwoPcMsg } from '../../../protocols/twopc/messages.js';
import { defaultTwoPcOptions, type TwoPcOptions } from '../../../protocols/twopc/options.js';
import { Participant } from '../../../protocols/twopc/participant.js';
import { FakeStorage, RecordingContext } from '../recording-context.js';

export const LAYOUT = [['coordinator'], ['participant'], ['participant'], ['participant']] as const;
export const COORD = 0;
export const CLIENT = 4;
export const options: TwoPcOptions = defaultTwoPcOptions;

export function coordinator(bugs: string[] = [], storage = new FakeStorage()): { c: Coordinator; ctx: RecordingContext<TwoPcMsg> } {
  const ctx = new RecordingContext<TwoPcMsg>(COORD, LAYOUT, bugs, storage);
  const c = new Coordinator(ctx, options);
  c.onStart();
  return { c, ctx };
}

export function participant(id: 1 | 2 | 3, bugs: string[] = [], storage = new FakeStorage()): { p: Participant; ctx: RecordingContext<TwoPcMsg> } {
  const ctx = new RecordingContext<TwoPcMsg>(id, LAYOUT, bugs, storage);
  const p = new Participant(ctx, options);
  p.onStart();
  return { p, ctx };
}

/** A restart: a new incarnation over the same storage, after the crash lost every unsynced write. */
export function crashed(storage: FakeStorage): FakeStorage {
  storage.crash();
  return storage;
}
