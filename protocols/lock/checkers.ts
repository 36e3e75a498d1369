// The checks every lock service shares (BUGS.md "Mutual exclusion at the resource", "at most
// one holder", liveness). They read ghost notes only (./types.ts NOTE), with true times.
//
//   resource-exclusion  at the resource, the accepted writes of two grants never interleave
//                       (once a write of grant B is accepted after A's, no write of A is
//                       accepted again), and accepted tokens never go down.
//   one-holder          at any true time at most one client holds the lock. A grant holds from
//                       its lock-held note until the earliest of its release note and the end
//                       of its validity: validUs after the true time at which the request it
//                       counts from was first sent (the client's acquire or renewal). That
//                       end is what the service promised, whatever the client's own clock or
//                       a pause does to the client afterwards: a service that grants the lock
//                       to another before it is the service's fault (Redlock under a clock
//                       jump, a server restarted empty, an unconditional release).
//   lock-liveness       (liveness) every client that asks for the lock once faults have
//                       stopped holds it within livenessBoundUs of its first such request.
import type { ClusterView, HistoryEvent, Invariant, LivenessCheck, Micros, Note } from '../../sim/types.js';
import type { LockOptions } from './options.js';
import { NOTE, clientLabel } from './types.js';

const fmt = (us: Micros): string => (us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`);

export class ResourceExclusion implements Invariant<unknown> {
  readonly name = 'resource-exclusion';
  /** The grant whose writes the resource accepted last, with its client and token. */
  private current: { grant: string; client: string; token: number | null } | undefined;
  /** Grants whose writes were followed by another grant's accepted write. */
  private readonly closed = new Set<string>();
  private highest: number | null = null;

  onNote(note: Note): string | undefined {
    if (note.kind !== NOTE.write || note.data.accepted !== true) return undefined;
    const grant = note.data.grant as string;
    const client = note.data.client as string;
    const token = note.data.token as number | null;
    const cur = this.current;
    const tokenText = (t: number | null) => (t === null ? 'no token' : `token ${t}`);
    if (token !== null && this.highest !== null && token < this.highest) {
      return `resource corrupted: it accepted ${client}'s write (${tokenText(token)}, step ${String(note.data.step)}) after a write with token ${this.highest}: a stale holder wrote (accepted tokens must increase)`;
    }
    if (cur !== undefined && cur.grant !== grant && this.closed.has(grant)) {
      return `resource corrupted: ${client}'s critical section (grant ${grant}, ${tokenText(token)}) wrote again after ${cur.client}'s (grant ${cur.grant}, ${tokenText(cur.token)}) had begun: the two interleave`;
    }
    if (cur === undefined || cur.grant !== grant) {
      if (cur !== undefined) this.closed.add(cur.grant);
      this.current = { grant, client, token };
    }
    if (token !== null && (this.highest === null || token > this.highest)) this.highest = token;
    return undefined;
  }
}

interface Hold {
  grant: string;
  client: string;
  token: number | null;
  since: Micros;
  until: Micros;
}

export class OneHolder implements Invariant<unknown> {
  readonly name = 'one-holder';
  /** Per client endpoint, its current grant and the true send times of its requests ([0] the acquire, [k] the k-th renewal). */
  private readonly sent = new Map<number, { grant: string; times: Micros[] }>();
  /** Holds that may still be live, by grant. */
  private readonly holds = new Map<string, Hold>();

  onNote(note: Note, view: ClusterView<unknown>): string | undefined {
    const grant = note.data.grant as string | undefined;
    if (grant === undefined) return undefined;
    switch (note.kind) {
      case NOTE.request:
        this.sent.set(note.node, { grant, times: [note.timeUs] });
        return undefined;
      case NOTE.renewRequest:
        this.sentFor(note.node, grant)?.push(note.timeUs);
        return undefined;
      case NOTE.held:
        return this.held(note, grant, view.nodeCount);
      case NOTE.renewed: {
        const h = this.holds.get(grant);
        const from = this.sentFor(note.node, grant)?.[note.data.basis as number];
        if (h !== undefined && from !== undefined) h.until = Math.max(h.until, from + (note.data.validUs as number));
        return undefined;
      }
      case NOTE.released: {
        const h = this.holds.get(grant);
        if (h !== undefined) h.until = Math.min(h.until, note.timeUs);
        this.holds.delete(grant);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The send times of `grant`'s requests, when it is its client's current grant. */
  private sentFor(client: number, grant: string): Micros[] | undefined {
    const s = this.sent.get(client);
    return s !== undefined && s.grant === grant ? s.times : undefined;
  }

  private held(note: Note, grant: string, nodeCount: number): string | undefined {
    const now = note.timeUs;
    const from = this.sentFor(note.node, grant)?.[(note.data.basis as number | undefined) ?? 0] ?? now;
    const hold: Hold = { grant, client: clientLabel(note.node, nodeCount), token: (note.data.token as number | null) ?? null, since: now, until: from + (note.data.validUs as number) };
    // A grant that arrives after its validity (a late answer, say a session's cached reply to
    // a retried acquire) holds nothing: the service promised nothing beyond that end.
    if (hold.until <= now) return undefined;
    let violation: string | undefined;
    for (const [g, other] of this.holds) {
      if (other.until <= now) {
        this.holds.delete(g);
        continue;
      }
      if (violation !== undefined) continue;
      const tok = (t: number | null) => (t === null ? '' : ` token ${t}`);
      violation = `two holders at once: ${hold.client} got the lock (grant ${grant}${tok(hold.token)}) at ${fmt(now)} while ${other.client}'s hold (grant ${other.grant}${tok(other.token)}, since ${fmt(other.since)}) is valid until ${fmt(other.until)}`;
    }
    this.holds.set(grant, hold);
    return violation;
  }
}

export class LockLiveness implements LivenessCheck<unknown> {
  readonly name = 'lock-liveness';
  private readonly requests: Array<{ client: string; at: Micros }> = [];
  private readonly helds: Array<{ client: string; at: Micros }> = [];

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note, view: ClusterView<unknown>): void {
    if (note.kind === NOTE.request) this.requests.push({ client: clientLabel(note.node, view.nodeCount), at: note.timeUs });
    else if (note.kind === NOTE.held && (note.data.validUs as number) > 0) this.helds.push({ client: clientLabel(note.node, view.nodeCount), at: note.timeUs });
  }

  atEnd(_view: ClusterView<unknown>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined {
    const start = info.livenessStartUs;
    const firstAsk = new Map<string, Micros>();
    for (const r of this.requests) if (r.at >= start && !firstAsk.has(r.client)) firstAsk.set(r.client, r.at);
    const starved: string[] = [];
    for (const [client, at] of firstAsk) {
      if (at + this.boundUs > info.endUs) continue;
      if (this.helds.some((h) => h.client === client && h.at >= at && h.at <= at + this.boundUs)) continue;
      starved.push(`${client} (asking since ${fmt(at)})`);
    }
    if (starved.length === 0) return undefined;
    return `no lock within ${fmt(this.boundUs)} of asking after faults stopped at ${fmt(start)}: ${starved.join(', ')}`;
  }
}

export function lockInvariants(): Invariant<unknown>[] {
  return [new ResourceExclusion(), new OneHolder()];
}

export function lockLiveness(opts: LockOptions): LivenessCheck<unknown>[] {
  return [new LockLiveness(opts.livenessBoundUs)];
}
