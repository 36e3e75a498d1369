// The acceptor half of a replica (Lamport, "Paxos Made Simple" §2.2 and §3; van Renesse &
// Altinbuken, "Paxos Made Moderately Complex" §2.3, Fig. 4): the highest ballot promised,
// and per slot the highest-ballot value accepted. Both are durable: written and synced
// before any promise or accepted leaves (P1a, P2a rely on an acceptor never forgetting).
//
// With snapshots, the acceptor forgets what it accepted at or below its replica's snapshot
// slot (forget): those slots are chosen and executed into the snapshot, and a promise to a
// leader that knows less carries the snapshot instead (node.ts onPrepare), so no leader ever
// needs a forgotten slot. An accept at or below it is ignored (the slot is decided).
// Storage holds accepted values in segments of SEGMENT_SLOTS slots, one key each (types.ts
// segmentKey), rewritten when one of its slots is accepted (a new chunk list, new copies of
// the chunks written, the other chunks shared); a segment the snapshot
// covers entirely is written as undefined (the storage API has no delete: its key stays, one
// per SEGMENT_SLOTS slots ever accepted).
import type { DurableStorage } from '../../../sim/types.js';
import { ballotLess, compareBallots, NO_BALLOT, type Ballot } from '../ballot.js';
import { ballotNumber, CHUNK_SLOTS, MAX_ACCEPTED_KEY, PROMISED_KEY, SEGMENT_CHUNKS, SEGMENT_SLOTS, segmentKey, segmentOf, TOP_KEY, type Accepted, type Chunk, type Proposal, type Segment } from './types.js';

export class Acceptor {
  promised: Ballot = NO_BALLOT;
  /** slot -> what was accepted there (the highest ballot). */
  readonly accepted = new Map<number, Accepted>();
  /** The highest slot with an accepted value (0: none). */
  top = 0;
  /** Slots 1..forgotten are forgotten (covered by the replica's snapshot). */
  forgotten = 0;
  /** The highest ballot accepted in any slot, as a number (monotonic-ballots reads it). */
  maxAcceptedNumber = ballotNumber(NO_BALLOT);

  /** `volatile`: the volatile-acceptor bug, nothing is written to storage. */
  constructor(
    private readonly storage: DurableStorage,
    private readonly volatile: boolean,
  ) {}

  /** Rebuild from storage (a restart); slots 1..forgotten are covered by the replica's snapshot. */
  load(forgotten = 0): void {
    const st = this.storage;
    this.promised = st.get<Ballot>(PROMISED_KEY) ?? NO_BALLOT;
    const top = st.get<number>(TOP_KEY) ?? 0;
    this.forgotten = forgotten;
    if (top > this.top) this.top = top;
    // The highest ballot accepted in a slot since forgotten.
    const max = st.get<number>(MAX_ACCEPTED_KEY);
    if (max !== undefined && max > this.maxAcceptedNumber) this.maxAcceptedNumber = max;
    if (top <= forgotten) return;
    for (let k = segmentOf(forgotten + 1); k <= segmentOf(top); k++) {
      const seg = st.get<Segment>(segmentKey(k));
      if (seg === undefined) continue;
      for (const chunk of seg) {
        if (chunk === undefined) continue;
        for (const a of chunk) if (a !== undefined && a.slot > forgotten) this.remember(a);
      }
    }
  }

  /**
   * Phase 1b ("Paxos Made Simple" §2.2, P1a): promise `b` only when it is above every ballot
   * promised so far (the same ballot again: a retried prepare, promised again). Durable
   * before the caller replies. Returns false when refused.
   */
  promise(b: Ballot): boolean {
    const c = compareBallots(b, this.promised);
    if (c < 0) return false;
    if (c > 0) {
      this.promised = b;
      this.persist(PROMISED_KEY, b);
      this.sync();
    }
    return true;
  }

  /** Raise the promise without a prepare (a leader's own, or one learned from a nack): durable at once. */
  raise(b: Ballot): void {
    if (!ballotLess(this.promised, b)) return;
    this.promised = b;
    this.persist(PROMISED_KEY, b);
    this.sync();
  }

  /** The accepted values above slot `from`, slot order (what a promise reports). */
  acceptedAbove(from: number): Accepted[] {
    const out: Accepted[] = [];
    for (let s = Math.max(from, this.forgotten) + 1; s <= this.top; s++) {
      const a = this.accepted.get(s);
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  /**
   * Phase 2b (P2a; PMMC Fig. 4): accept at `b` when b is at least the promised ballot; the
   * promise rises to b. Every value is durable before the caller acknowledges. Returns the
   * accepted slots, or undefined when refused.
   */
  accept(b: Ballot, proposals: readonly Proposal[]): number[] | undefined {
    if (ballotLess(b, this.promised)) return undefined;
    if (ballotLess(this.promised, b)) {
      this.promised = b;
      this.persist(PROMISED_KEY, b);
    }
    const slots: number[] = [];
    const oldTop = this.top;
    let segment = -1;
    let chunks: Array<Chunk | undefined> | undefined;
    // Bit c: chunk c of `chunks` is this write's own copy (written into freely until stored).
    let copied = 0;
    for (const p of proposals) {
      if (p.slot <= this.forgotten) continue; // decided, in the snapshot
      const a: Accepted = Object.freeze({ slot: p.slot, ballot: b, cmd: p.cmd });
      this.remember(a);
      const k = segmentOf(p.slot);
      if (k !== segment) {
        if (chunks !== undefined) this.persist(segmentKey(segment), chunks);
        segment = k;
        chunks = this.segmentCopy(k);
        copied = 0;
      }
      const i = p.slot - k * SEGMENT_SLOTS;
      const c = Math.floor(i / CHUNK_SLOTS);
      if ((copied & (1 << c)) === 0) {
        chunks![c] = chunkCopy(chunks![c]);
        copied |= 1 << c;
      }
      (chunks![c] as Array<Accepted | undefined>)[i - c * CHUNK_SLOTS] = a;
      slots.push(p.slot);
    }
    if (chunks !== undefined) this.persist(segmentKey(segment), chunks);
    if (this.top > oldTop) this.persist(TOP_KEY, this.top);
    this.sync();
    return slots;
  }

  /**
   * Forget what was accepted in slots up to `slot` (the replica's snapshot, written before
   * these writes, covers them), in memory and in storage. The highest accepted ballot stays.
   * The caller syncs (snapshots.ts saveSnapshot: one sync for the snapshot and the forgetting;
   * a crash keeps a prefix of the writes in order, so a surviving forget has its snapshot).
   */
  forget(slot: number): void {
    if (slot <= this.forgotten) return;
    for (let s = this.forgotten + 1; s <= slot; s++) this.accepted.delete(s);
    // Segments wholly at or below `slot` go; a segment it cuts keeps its entries (load skips them).
    const lastWhole = segmentOf(slot + 1) - 1;
    for (let k = segmentOf(this.forgotten + 1); k <= lastWhole; k++) if (this.storage.get(segmentKey(k)) !== undefined) this.persist(segmentKey(k), undefined);
    // What we forget may hold the highest ballot accepted: kept (monotonic-ballots reads it),
    // written only when it changed since last written.
    if (this.storage.get<number>(MAX_ACCEPTED_KEY) !== this.maxAcceptedNumber) this.persist(MAX_ACCEPTED_KEY, this.maxAcceptedNumber);
    this.forgotten = slot;
  }

  /**
   * The segment's chunk list as stored (a fresh copy to write, its chunks shared), or a fresh
   * empty one. A stored segment and its chunks are never written to again (each write copies
   * what it changes: what an unsynced write replaced must survive a crash), and they are not
   * frozen: copying a frozen array with slice() took a fifth of a Multi-Paxos run's time; a
   * plain array copied by a loop is cheap.
   */
  private segmentCopy(k: number): Array<Chunk | undefined> {
    const seg = this.volatile ? undefined : this.storage.get<Segment>(segmentKey(k));
    const out = new Array<Chunk | undefined>(SEGMENT_CHUNKS);
    if (seg === undefined) for (let c = 0; c < SEGMENT_CHUNKS; c++) out[c] = undefined;
    else for (let c = 0; c < SEGMENT_CHUNKS; c++) out[c] = seg[c];
    return out;
  }

  private remember(a: Accepted): void {
    this.accepted.set(a.slot, a);
    if (a.slot > this.top) this.top = a.slot;
    const n = ballotNumber(a.ballot);
    if (n > this.maxAcceptedNumber) this.maxAcceptedNumber = n;
  }

  private persist(key: string, value: unknown): void {
    // Bug `volatile-acceptor`: promised and accepted live in memory only; a restart forgets them.
    if (!this.volatile) this.storage.put(key, value);
  }

  private sync(): void {
    if (!this.volatile) this.storage.sync();
  }
}

/** A chunk's entries (a fresh copy to write), or a fresh empty chunk. */
function chunkCopy(chunk: Chunk | undefined): Array<Accepted | undefined> {
  const out = new Array<Accepted | undefined>(CHUNK_SLOTS);
  if (chunk === undefined) for (let j = 0; j < CHUNK_SLOTS; j++) out[j] = undefined;
  else for (let j = 0; j < CHUNK_SLOTS; j++) out[j] = chunk[j];
  return out;
}
