// The lock client actor every lock service shares: acquire, a critical section of `steps`
// writes to the resource, release; then think and go again while the workload has ops.
// How it talks to the lock service is a LockDriver (./drivers.ts); the rest is here.
//
// Validity: a client counts its hold as valid for validUs (TTL minus the drift allowance)
// from the moment it first sent its acquire (or renewal), on its own clock, and renews
// halfway through when the service renews. Before each write it checks that the hold is
// still valid, then works for stepUs, then writes with its token: the gap between check and
// write is where a process pause (a GC pause) hurts, as in Kleppmann's example. When the
// resource refuses a write (fenced), the hold runs out, or a renewal is refused, the client
// abandons the critical section and releases.
//
// History (model `mutex`): acquire is invoked at the first send; ok (value: the token, or
// null) when granted, fail when refused, info when it timed out. release is invoked when
// the client stops holding; ok when the service released this client's hold, or when it
// answers "not the holder" to a release that the client invoked while its hold was still
// valid on its clock (then the hold ran out during the release: the service's expiry comes
// after the client's validity by construction). A release invoked after the hold ran out
// (a client that was paused) completes fail ("expired"): the lock was freed by expiry at a
// moment the client cannot know, so such a history is not a mutex history - which is
// Kleppmann's point that only fencing at the resource makes leases safe under pauses.
import type { ClientActor, ClientContext, Endpoint } from '../../sim/types.js';
import { assert, AssertionError } from '../../sim/types.js';
import { allowanceUs, type LockOptions } from './options.js';
import { grantNote, heldNote, releasedNote, renewedNote } from './notes.js';
import { NOTE, RESOURCE, type LockMsg } from './types.js';

/** What a service's driver tells the client. */
export interface DriverEvents {
  /**
   * The acquire succeeded: the token (null when the service has none). `basis`: the request
   * the hold's validity counts from (0, the acquire; k, the k-th renewal: lock-zk's session
   * heartbeats while it waits).
   */
  granted(token: number | null, basis?: number): void;
  /** The acquire definitely failed (held by another). */
  refused(): void;
  /** The renewal `ordinal` (from beginRenewal) succeeded. */
  renewed(ordinal: number): void;
  renewRefused(): void;
  /** The release finished: `released` when the service freed this client's hold. */
  releaseDone(released: boolean): void;
}

/** One lock service's client protocol. Its timers are named `d:...`. */
export interface LockDriver {
  acquire(owner: string): void;
  /** Undefined when the service has no renewals. */
  readonly renew: ((owner: string, token: number | null) => void) | undefined;
  release(owner: string, token: number | null): void;
  /** Forget every request in flight (their answers are then ignored). */
  abort(): void;
  onMessage(from: Endpoint, msg: LockMsg): void;
  onTimer(name: string): void;
}

type Phase = 'idle' | 'acquiring' | 'holding' | 'releasing' | 'done';

export class LockClient implements ClientActor<LockMsg>, DriverEvents {
  phase: Phase = 'idle';
  /** The current grant's name (p<process>.<attempt>), its token. */
  grant = '';
  token: number | null = null;
  /** Local time of the first send of the acquire (or of the renewal that last succeeded). */
  private sentLocalUs = 0;
  /** The hold is valid until this local time. */
  validUntilUs = 0;
  /** Set when the validity timer fired: the hold ran out. */
  private expired = false;
  private step = 0;
  private writeSeq = 0;
  private attempt = 0;
  /** Local send time of each request a hold may count from: [0] the acquire, [k] the k-th renewal. */
  private sent: number[] = [];
  /** Which of them the hold counts from now. */
  private basis = 0;
  /** Whether the open release was invoked while the hold was still valid. */
  private releaseInTime = false;
  /** Released notes already emitted for this grant. */
  private releasedNoted = false;
  readonly validUs: number;
  private readonly resource: Endpoint | undefined;
  readonly driver: LockDriver;

  constructor(
    readonly ctx: ClientContext<LockMsg>,
    readonly opts: LockOptions,
    makeDriver: (client: LockClient) => LockDriver,
  ) {
    this.validUs = opts.ttlUs - allowanceUs(opts);
    this.resource = ctx.nodesWith(RESOURCE)[0];
    this.driver = makeDriver(this);
  }

  onStart(): void {
    this.ctx.setTimer('start', this.ctx.random.int(0, this.opts.retryUs[1]));
  }

  summary(): Record<string, unknown> {
    return { role: this.phase, grant: this.grant, token: this.token, step: this.step };
  }

  onMessage(from: Endpoint, msg: LockMsg): void {
    if (msg.type === 'write-reply') return this.onWriteReply(msg.seq, msg.accepted);
    this.driver.onMessage(from, msg);
  }

  onTimer(name: string): void {
    if (name.startsWith('d:')) return this.driver.onTimer(name);
    switch (name) {
      case 'start':
        return this.startAcquire();
      case 'op-timeout':
        return this.opTimedOut();
      case 'validity':
        if (this.phase !== 'holding') return;
        this.expired = true;
        return this.abandon('expired');
      case 'renew':
        if (this.phase !== 'holding' || this.driver.renew === undefined) return;
        this.driver.renew(this.grant, this.token);
        return;
      case 'write':
        return this.sendWrite();
      case 'write-timeout':
        if (this.phase === 'holding') this.abandon('resource timeout');
        return;
      default:
        assert(false, `lock client: unknown timer ${name}`);
    }
  }

  // ---- Acquire ---------------------------------------------------------------------

  private startAcquire(): void {
    if (this.phase !== 'idle') return;
    if (this.ctx.nextOp() === undefined) {
      this.phase = 'done';
      return;
    }
    this.attempt++;
    this.grant = `p${this.ctx.process}.${this.attempt}`;
    this.token = null;
    this.expired = false;
    this.releasedNoted = false;
    this.phase = 'acquiring';
    this.sentLocalUs = this.ctx.now();
    this.sent = [this.sentLocalUs];
    this.ctx.invoke({ f: 'acquire' });
    this.ctx.note(NOTE.request, grantNote, this.grant);
    this.ctx.setTimer('op-timeout', this.opts.opTimeoutUs);
    this.driver.acquire(this.grant);
  }

  granted(token: number | null, basis = 0): void {
    if (this.phase !== 'acquiring') return;
    this.ctx.cancelTimer('op-timeout');
    if (!(basis >= 0 && basis < this.sent.length)) throw new AssertionError(`lock client: a grant counts from a request sent (basis ${basis})`);
    this.sentLocalUs = this.sent[basis];
    this.basis = basis;
    const elapsed = this.ctx.now() - this.sentLocalUs;
    if (elapsed < 0 || elapsed >= this.validUs) {
      // The grant came too late to be of use (or the clock went back: the client cannot tell how late).
      this.ctx.complete('ok', token);
      this.token = token;
      this.phase = 'holding';
      this.validUntilUs = this.sentLocalUs;
      this.ctx.note(NOTE.held, heldNote, this.grant, token, 0, basis);
      return this.abandon('granted too late');
    }
    this.token = token;
    this.phase = 'holding';
    this.ctx.complete('ok', token);
    this.ctx.note(NOTE.held, heldNote, this.grant, token, this.validUs, basis);
    this.holdFrom(this.sentLocalUs);
    this.step = 0;
    this.beginStep();
  }

  refused(): void {
    if (this.phase !== 'acquiring') return;
    this.ctx.cancelTimer('op-timeout');
    this.ctx.complete('fail', undefined, 'held by another');
    this.phase = 'idle';
    this.ctx.setTimer('start', this.ctx.random.int(this.opts.retryUs[0], this.opts.retryUs[1]));
  }

  /** The hold is valid for validUs from `sentLocalUs`: arm the validity and renewal timers. */
  private holdFrom(sentLocalUs: number): void {
    this.sentLocalUs = sentLocalUs;
    this.validUntilUs = sentLocalUs + this.validUs;
    const left = Math.max(0, Math.min(this.validUs, this.validUntilUs - this.ctx.now()));
    this.ctx.setTimer('validity', left);
    if (this.opts.renew && this.driver.renew !== undefined) this.ctx.setTimer('renew', Math.max(0, left - Math.floor(this.validUs / 2)));
  }

  /** A renewal (or session heartbeat) leaves now: its ordinal, for renewed(). */
  beginRenewal(): number {
    this.sent.push(this.ctx.now());
    this.ctx.note(NOTE.renewRequest, grantNote, this.grant);
    return this.sent.length - 1;
  }

  renewed(ordinal: number): void {
    if (this.phase === 'acquiring') return; // a session heartbeat while waiting: granted() says which one counts
    if (this.phase !== 'holding' || this.expired || this.sent[ordinal] === undefined) return;
    // Only a renewal sent after the one the hold counts from extends it.
    if (ordinal <= this.basis) return;
    this.basis = ordinal;
    this.ctx.note(NOTE.renewed, renewedNote, this.grant, this.validUs, ordinal);
    this.holdFrom(this.sent[ordinal]);
  }

  renewRefused(): void {
    if (this.phase === 'holding') this.abandon('renewal refused');
  }

  // ---- Critical section --------------------------------------------------------------

  private beginStep(): void {
    if (this.expired || this.ctx.now() >= this.validUntilUs) return this.abandon('expired');
    // Checked: now work, then write without checking again (the check-then-act gap).
    this.ctx.setTimer('write', this.opts.stepUs);
  }

  private sendWrite(): void {
    if (this.phase !== 'holding' || this.resource === undefined) return;
    this.writeSeq++;
    this.ctx.send(this.resource, { type: 'write', seq: this.writeSeq, grant: this.grant, token: this.token, step: this.step });
    this.ctx.setTimer('write-timeout', this.opts.requestTimeoutUs);
  }

  private onWriteReply(seq: number, accepted: boolean): void {
    if (this.phase !== 'holding' || seq !== this.writeSeq) return;
    this.ctx.cancelTimer('write-timeout');
    if (!accepted) return this.abandon('fenced');
    this.step++;
    if (this.step >= this.opts.steps) return this.release('done');
    this.beginStep();
  }

  /** Stop holding early: lost the lock, or cannot tell. */
  private abandon(why: string): void {
    this.release(why);
  }

  // ---- Release -----------------------------------------------------------------------

  private release(why: string): void {
    if (this.phase !== 'holding') return;
    for (const t of ['validity', 'renew', 'write', 'write-timeout']) this.ctx.cancelTimer(t);
    this.driver.abort();
    // In time: the hold had not run out on this client's clock (the validity timer fires
    // exactly at its end, unless a pause held it back).
    const inTime = this.ctx.now() <= this.validUntilUs;
    this.phase = 'releasing';
    this.releaseInTime = inTime;
    this.ctx.invoke({ f: 'release' });
    if (!this.releasedNoted) this.ctx.note(NOTE.released, releasedNote, this.grant, why);
    this.releasedNoted = true;
    this.ctx.setTimer('op-timeout', this.opts.opTimeoutUs);
    this.driver.release(this.grant, this.token);
  }

  releaseDone(released: boolean): void {
    if (this.phase !== 'releasing') return;
    this.ctx.cancelTimer('op-timeout');
    if (released || this.releaseInTime) this.ctx.complete('ok');
    else this.ctx.complete('fail', undefined, 'expired before the release');
    this.next();
  }

  private opTimedOut(): void {
    if (this.phase !== 'acquiring' && this.phase !== 'releasing') return;
    this.driver.abort();
    this.ctx.complete('info', undefined, 'timed out');
    this.next();
  }

  private next(): void {
    this.phase = 'idle';
    this.ctx.setTimer('start', this.ctx.random.int(this.opts.thinkUs[0], this.opts.thinkUs[1]));
  }
}
