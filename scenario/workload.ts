// The clients' workload: a shared generator by name (workloads/) or the protocol's own,
// with the scenario's keys, mix and params, checked against what the generator knows.
import type { Workload, WorkloadOptions } from '../sim/types.js';
import { getWorkload, workloadNames } from '../workloads/index.js';
import type { InputError } from './errors.js';
import type { AnyProtocol } from './registry.js';
import type { FieldPath } from './yaml-source.js';

type Fail = (path: FieldPath, message: string, atKey?: boolean) => InputError;

export interface RawClients {
  workload?: string;
  keys?: number;
  mix?: Record<string, number>;
  params?: Record<string, number>;
}

export const DEFAULT_KEYS = 3;

/** The generator a protocol names by default (its own object, or a shared one by name). */
export function protocolWorkload(protocol: AnyProtocol): Workload | undefined {
  return typeof protocol.workload === 'string' ? getWorkload(protocol.workload) : protocol.workload;
}

export function resolveWorkload(clients: RawClients, protocol: AnyProtocol, clientCount: number, fail: Fail): { generator: Workload; options: WorkloadOptions } {
  let generator: Workload | undefined;
  if (clients.workload !== undefined) {
    const own = typeof protocol.workload === 'object' && protocol.workload.name === clients.workload ? protocol.workload : undefined;
    generator = own ?? getWorkload(clients.workload);
    if (generator === undefined) {
      const names = workloadNames();
      if (typeof protocol.workload === 'object') names.push(protocol.workload.name);
      throw fail(['clients', 'workload'], `expected a workload: ${names.join(', ')} (got ${JSON.stringify(clients.workload)})`);
    }
  } else {
    generator = protocolWorkload(protocol);
    if (generator === undefined) throw fail(['protocol'], `expected a protocol whose default workload exists: ${protocol.name} names ${JSON.stringify(protocol.workload)} (workloads: ${workloadNames().join(', ')})`);
  }

  const mix = clients.mix ?? { ...generator.defaultMix };
  if (clients.mix !== undefined) {
    const operations = Object.keys(generator.defaultMix);
    for (const f of Object.keys(clients.mix)) {
      if (!operations.includes(f)) throw fail(['clients', 'mix', f], `expected an operation of the ${generator.name} workload: ${operations.join(', ')} (got ${JSON.stringify(f)})`, true);
    }
    if (clientCount > 0 && Object.values(clients.mix).every((weight) => weight === 0)) {
      throw fail(['clients', 'mix'], 'expected at least one operation with a weight above 0');
    }
  }
  const params = { ...generator.defaultParams };
  for (const [name, value] of Object.entries(clients.params ?? {})) {
    if (!(name in generator.defaultParams)) {
      const known = Object.keys(generator.defaultParams);
      throw fail(['clients', 'params', name], `expected a knob of the ${generator.name} workload: ${known.length > 0 ? known.join(', ') : '(none: it takes no params)'} (got ${JSON.stringify(name)})`, true);
    }
    params[name] = value;
  }
  const options: WorkloadOptions = { keyCount: clients.keys ?? DEFAULT_KEYS, mix, params };
  if (clientCount > 0) {
    const problem = generator.validate?.(options);
    if (problem !== undefined) throw fail(clients.params !== undefined ? ['clients', 'params'] : ['clients'], `expected workload options that ${generator.name} accepts: ${problem}`);
  }
  return { generator, options };
}
