// What the CLI knows of each command before it loads it: the usage line and the one-line
// description (all `faultline --help` prints). Each command file spreads its head into its
// CommandModule; cli/main.ts registers the heads with lazy builders and handlers, so a
// command's dependencies load only when that command runs (issue #14: CLI startup).

export interface CommandHead {
  readonly command: string;
  readonly describe: string;
}

export const commandHeads = {
  run: { command: 'run <scenario>', describe: 'Run one scenario file and print a verdict (exit 0 pass, 1 fail, 3 undecided)' },
  list: { command: 'list', describe: 'List the protocols, their bug variants, checkers and shipped scenarios' },
  fuzz: {
    command: 'fuzz <scenario>',
    describe: 'Run a scenario over many seeds, on every core; save each failure with its replay command (exit 1 if any seed fails)',
  },
  replay: { command: 'replay <failure>', describe: 'Re-run a failure file exactly, at the full recording level; check its hash and write its trace' },
  shrink: {
    command: 'shrink <failure>',
    describe: 'Find a smaller scenario that fails the same way (fewer faults, operations, nodes; shorter) and write it as YAML',
  },
  merge: {
    command: 'merge <files..>',
    describe: 'Merge fuzz results (results.jsonl of shards or resumed campaigns) into one summary (exit 1 if any seed failed)',
  },
  check: {
    command: 'check <history-file..>',
    describe:
      'Check histories (Jepsen log, Knossos/Jepsen EDN, Porcupine kv, faultline JSON) for linearizability; list-append transactions for (strict) serializability; bank histories for conservation; commit records for atomicity',
  },
  report: {
    command: 'report <inputs..>',
    describe: 'Write the HTML trace report of a failure file or a scenario run, or (--diff) of two runs compared',
  },
} as const satisfies Record<string, CommandHead>;
