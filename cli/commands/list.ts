// faultline list [--json]: protocols, their bug variants, checkers and shipped scenarios.
import chalk from 'chalk';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../scenario/errors.js';
import { builtinProtocols, checkerNames, displayPath, shippedScenarios } from '../../scenario/registry.js';
import { io } from '../output.js';

export interface ListArgs {
  json?: boolean;
}

export interface ProtocolListing {
  name: string;
  description: string;
  model: string;
  bugs: Array<{ name: string; description: string }>;
  checkers: string[];
  scenarios: string[];
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List the protocols, their bug variants, checkers and shipped scenarios',
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
    bugs: protocol.bugs.map((bug) => ({ name: bug.name, description: bug.description })),
    checkers: checkerNames(protocol, {}).all,
    scenarios: shippedScenarios(protocol.name).map((path) => displayPath(path)),
  }));
}

export async function listHandler(args: ListArgs): Promise<ExitCode> {
  const protocols = await listProtocols();
  if (args.json) {
    io.out(JSON.stringify({ protocols }));
    return ExitCode.pass;
  }
  for (const protocol of protocols) {
    io.out(`${chalk.bold(protocol.name)} ${chalk.dim(`(model ${protocol.model})`)}: ${protocol.description}`);
    io.out(`  checkers: ${protocol.checkers.join(', ')}`);
    io.out(protocol.bugs.length > 0 ? '  bugs:' : '  bugs: (none)');
    const width = Math.max(0, ...protocol.bugs.map((bug) => bug.name.length));
    for (const bug of protocol.bugs) io.out(`    ${chalk.yellow(bug.name.padEnd(width))}  ${bug.description}`);
    io.out(protocol.scenarios.length > 0 ? '  scenarios:' : '  scenarios: (none)');
    for (const path of protocol.scenarios) io.out(`    ${path}`);
  }
  return ExitCode.pass;
}
