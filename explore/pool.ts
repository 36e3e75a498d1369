// A small pool of worker threads for a campaign. Each worker loads the scenario once and
// runs seeds in the order it receives them; the pool keeps at most `inFlightPerWorker`
// seeds queued at each worker so none idles between messages. Workers run the TypeScript
// sources through tsx, or the compiled JS of dist/ as is: this file's own extension says which.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SeedOutcome } from './execute.js';
import type { SwarmKnobs } from './swarm.js';

export interface WorkerInit {
  scenarioPath: string;
  bugs: string[];
  swarm: boolean;
  /** Per-seed wall-clock limit (`fuzz --timeout`), in milliseconds. */
  timeoutMs?: number;
}

/** Whether two inits load the same thing (a pool is reusable for a campaign whose init is the same): key order and bug order do not count. */
export function sameInit(a: WorkerInit, b: WorkerInit): boolean {
  const bugs = (init: WorkerInit) => [...new Set(init.bugs)].sort().join('\n');
  return a.scenarioPath === b.scenarioPath && bugs(a) === bugs(b) && a.swarm === b.swarm && a.timeoutMs === b.timeoutMs;
}

/**
 * A worker's JIT warm-up: seeds of its own (`warm-up/1`, `warm-up/2`...: no campaign seed is
 * a string like these) run and thrown away, until `seeds` have run or `budgetMs` of wall
 * clock has passed (at least one runs). Nothing of them reaches a campaign.
 */
export interface WarmUp {
  seeds: number;
  budgetMs: number;
}

export type WorkerRequest = { type: 'run'; id: number; seed: string; checkDeterminism: boolean; knobs?: SwarmKnobs; coverage?: boolean } | ({ type: 'warm-up' } & WarmUp) | { type: 'stop' };
export type WorkerReply = { type: 'ready' } | { type: 'load-error'; message: string } | { type: 'outcome'; id: number; outcome: SeedOutcome } | { type: 'warmed'; runs: number };

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve: (o: SeedOutcome) => void; reject: (e: Error) => void }>;
  /** The warm-up in progress (WorkerPool.warmUp), if any. */
  warming?: { resolve: (runs: number) => void; reject: (e: Error) => void };
}

/**
 * How to start the worker entry beside this module. From dist/ it is plain JS. From the
 * TypeScript sources a worker needs tsx, and on Node 20 `execArgv: ['--import', 'tsx']`
 * does not reach a worker's own entry module, so a tiny bootstrap registers tsx's ESM
 * hooks first and then imports the entry.
 */
export function workerEntry(): { entry: URL | string; eval: boolean } {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url);
  if (!fromSources) return { entry: url, eval: false };
  // Resolved from faultline's own folder, so it works whatever the working directory.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return { entry: code, eval: true };
}

export class WorkerPool {
  private nextId = 0;
  private closed = false;
  /** The seeds each worker ran in its last warm-up (WorkerPool.warmUp), if it warmed up. */
  warmedUp: number[] | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly slots: Slot[],
    readonly inFlightPerWorker: number,
    /** What every worker loaded (a campaign run on this pool must be for the same). */
    readonly init: WorkerInit,
  ) {}

  /** Start `count` workers and wait until each has loaded the scenario. */
  static async start(count: number, init: WorkerInit, inFlightPerWorker = 2): Promise<WorkerPool> {
    const { entry, eval: evaluate } = workerEntry();
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry, { workerData: init, eval: evaluate, execArgv: [] });
      const slot: Slot = { worker, inFlight: new Map() };
      slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (reply: WorkerReply) => {
            if (reply.type === 'ready') resolve();
            else if (reply.type === 'load-error') reject(new Error(`worker ${i + 1} could not load the scenario: ${reply.message}`));
            if (reply.type !== 'outcome') worker.off('message', onMessage);
          };
          worker.on('message', onMessage);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`worker ${i + 1} exited with code ${code} while starting`)));
        }),
      );
    }
    const pool = new WorkerPool(slots, inFlightPerWorker, init);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    for (const slot of slots) pool.wire(slot);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Seeds that can be sent now without exceeding the per-worker queue. */
  get capacity(): number {
    let free = 0;
    for (const s of this.slots) free += Math.max(0, this.inFlightPerWorker - s.inFlight.size);
    return this.closed ? 0 : free;
  }

  /**
   * Warm every worker's JIT up (WarmUp) before a campaign's clock starts: a fresh worker runs
   * its first seeds several times slower than it runs the later ones. Resolves with the seeds
   * each worker ran. Only between campaigns: no seed may be in flight.
   */
  warmUp(warmUp: WarmUp): Promise<number[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.some((s) => s.inFlight.size > 0 || s.warming !== undefined)) return Promise.reject(new Error('WorkerPool.warmUp: seeds are in flight'));
    const warming = Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<number>((resolve, reject) => {
            slot.warming = { resolve, reject };
            slot.worker.postMessage({ type: 'warm-up', ...warmUp } satisfies WorkerRequest);
          }),
      ),
    );
    return warming.then((runs) => (this.warmedUp = runs));
  }

  /** Run one seed on the least busy worker. */
  run(seed: string, checkDeterminism: boolean, extra: { knobs?: SwarmKnobs; coverage?: boolean } = {}): Promise<SeedOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((best, s) => (s.inFlight.size < best.inFlight.size ? s : best));
    const id = this.nextId++;
    return new Promise<SeedOutcome>((resolve, reject) => {
      slot.inFlight.set(id, { resolve, reject });
      slot.worker.postMessage({ type: 'run', id, seed, checkDeterminism, ...extra } satisfies WorkerRequest);
    });
  }

  private wire(slot: Slot): void {
    slot.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'warmed') {
        const warming = slot.warming;
        slot.warming = undefined;
        warming?.resolve(reply.runs);
        return;
      }
      if (reply.type !== 'outcome') return;
      const pending = slot.inFlight.get(reply.id);
      slot.inFlight.delete(reply.id);
      pending?.resolve(reply.outcome);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const p of slot.inFlight.values()) p.reject(error);
      slot.inFlight.clear();
      slot.warming?.reject(error);
      slot.warming = undefined;
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`a worker thread exited unexpectedly (code ${code})`));
    });
  }

  /** Stop every worker (in-flight seeds are abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }
}
