// A campaign worker thread: loads the scenario once, then runs the seeds the main thread
// sends, one message each, in order, and posts each outcome back; on request, first warms
// its JIT up on seeds of its own (WorkerPool.warmUp).
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../scenario/load.js';
import { describe, executeSeed, type SeedOptions } from './execute.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('explore/worker.ts runs only as a worker thread');
const init = workerData as WorkerInit;

try {
  const loaded = await loadScenario(init.scenarioPath, { bugs: init.bugs });
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'stop') {
      port.close();
      return;
    }
    const timeout = init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {};
    if (request.type === 'warm-up') {
      // Outcomes thrown away: only the JIT's state stays (a seed's run does not depend on the runs before it).
      const startMs = performance.now();
      let runs = 0;
      while (runs < request.seeds && (runs === 0 || performance.now() - startMs < request.budgetMs)) executeSeed(loaded, `warm-up/${++runs}`, { swarm: init.swarm, checkDeterminism: false, ...timeout });
      port.postMessage({ type: 'warmed', runs } satisfies WorkerReply);
      return;
    }
    const options: SeedOptions = { swarm: init.swarm, checkDeterminism: request.checkDeterminism, knobs: request.knobs, coverage: request.coverage, ...timeout };
    const reply: WorkerReply = { type: 'outcome', id: request.id, outcome: executeSeed(loaded, request.seed, options) };
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'load-error', message: describe(error) } satisfies WorkerReply);
}
