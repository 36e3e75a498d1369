// faultline list [--json]: protocols, their roles, clients and workload, bug variants,
// checkers and shipped scenarios; then the shared workloads.
import chalk from 'chalk';
import { commandHeads } from './heads.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../scenario/errors.js';
import { builtinProtocols, checkerNames, displayPath, shippedScenarios } from '../../scenario/registry.js';
import { withStandardChecks } from '../../scenario/standard-checks.js';
import { protocolWorkload } from '../../scenario/workload.js';
import { protocolRoles } from '../../sim/types.js';
import { builtinWorkloads } from '../../workloads/index.js';
import { io } from '../io.js';

export interface ListArgs {
  json?: boolean;
}

export interface ProtocolListing {
  name: string;
  description: string;
  model: string;
  /** The roles its nodes play, with the count a scenario gets when it names none. */
  roles: Array<{ name: string; count: number; description?: string }>;
  /** `actors` when the protocol brings its own client actors, else the kernel's built-in request/retry clients. */
  clients: 'actors' | 'built-in';
  /** Its default workload. */
  workload: string;
  bugs: Array<{ name: string; description: string }>;
  /** Its invariants (standard note checkers included), liveness checks, and the history checker of its model. */
  checkers: string[];
  /** What it reports beside a verdict without failing (blocked transactions...). */
  observers: string[];
  scenarios: string[];
}

export const listCommand: CommandModule<object, ListArgs> = {
  ...commandHeads.list,
  builder: (yargs: Argv<object>) =>
    yargs.option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' }) as unknown as Argv<ListArgs>,
  handler: async (args: ArgumentsCamelCase<ListArgs>) => {
    process.exitCode = await listHandler(args);
  },
};

export async function listProtocols(): Promise<ProtocolListing[]> {
  return (await builtinProtocols()).map((protocol) => ({
    name: protocol.name,
    description: protocol.description,
    model: protocol.model,
    roles: protocolRoles(protocol).map((r) => ({ name: r.name, count: r.count, ...(r.description !== undefined ? { description: r.description } : {}) })),
    clients: protocol.createClient !== undefined ? ('actors' as const) : ('built-in' as const),
    workload: protocolWorkload(protocol)?.name ?? String(protocol.workload),
    bugs: protocol.bugs.map((bug) => ({ name: bug.name, description: bug.description })),
    checkers: checkerNames(withStandardChecks(protocol), {}).all,
    observers: (protocol.observers?.({}) ?? []).map((o) => o.name),
    scenarios: shippedScenarios(protocol.name).map((path) => displayPath(path)),
  }));
}

export async function listHandler(args: ListArgs): Promise<ExitCode> {
  const protocols = await listProtocols();
  if (args.json) {
    io.out(JSON.stringify({ protocols, workloads: workloadListing() }));
    return ExitCode.pass;
  }
  for (const protocol of protocols) {
    io.out(`${chalk.bold(protocol.name)} ${chalk.dim(`(model ${protocol.model})`)}: ${protocol.description}`);
    io.out(`  roles: ${protocol.roles.map((r) => `${r.name} (${r.count})`).join(', ')}; clients: ${protocol.clients}; workload: ${protocol.workload}`);
    io.out(`  checkers: ${protocol.checkers.join(', ')}`);
    if (protocol.observers.length > 0) io.out(`  observers: ${protocol.observers.join(', ')}`);
    io.out(protocol.bugs.length > 0 ? '  bugs:' : '  bugs: (none)');
    const width = Math.max(0, ...protocol.bugs.map((bug) => bug.name.length));
    for (const bug of protocol.bugs) io.out(`    ${chalk.yellow(bug.name.padEnd(width))}  ${bug.description}`);
    io.out(protocol.scenarios.length > 0 ? '  scenarios:' : '  scenarios: (none)');
    for (const path of protocol.scenarios) io.out(`    ${path}`);
  }
  io.out(chalk.bold('workloads') + ' (clients.workload):');
  const listing = workloadListing();
  const width = Math.max(0, ...listing.map((w) => w.name.length));
  for (const w of listing) io.out(`  ${w.name.padEnd(width)}  ${w.description}; operations ${w.operations.join(', ')}${w.model ? `; model ${w.model}` : ''}`);
  return ExitCode.pass;
}

export interface WorkloadListing {
  name: string;
  description: string;
  operations: string[];
  params: Record<string, number>;
  model?: string;
}

function workloadListing(): WorkloadListing[] {
  return builtinWorkloads.map((w) => ({
    name: w.name,
    description: w.description,
    operations: Object.keys(w.defaultMix),
    params: { ...w.defaultParams },
    ...(w.model !== undefined ? { model: w.model } : {}),
  }));
}
