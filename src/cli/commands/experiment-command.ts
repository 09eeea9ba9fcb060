/**
 * `hearth-recs experiment <report|plan|validate>`: A/B experiments measured from per-arm sums
 * (docs/experiments.md).
 */
import { OptionError } from '../../core/errors';
import { CLI_NAME, formatColumns, formatFlagHelp, parseFlags } from '../cli-args';
import type { CliCommand, CliContext } from '../cli-context';
import { experimentPlanCommand, experimentValidateCommand } from './experiment-plan';
import { experimentReportCommand } from './experiment-report';

const SUBCOMMANDS: readonly CliCommand[] = [
  experimentReportCommand,
  experimentPlanCommand,
  experimentValidateCommand,
];

/** Sub-commands that take their main file as a first argument, and the flag it stands for. */
const POSITIONAL: Readonly<Record<string, string>> = { validate: 'file' };

function usage(): string {
  return [
    `Usage: ${CLI_NAME} experiment <sub-command> [flags]`,
    '',
    formatColumns(SUBCOMMANDS.map((c) => [`  ${c.name}`, c.summary] as const)),
    '',
    `Run "${CLI_NAME} experiment <sub-command> --help" for its flags.`,
  ].join('\n');
}

async function runExperiment(argv: readonly string[], ctx: CliContext): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    ctx.stdout.write(`${usage()}\n`);
    return;
  }
  const command = SUBCOMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new OptionError(
      `${name === undefined ? 'Name a sub-command' : `Unknown sub-command "${name}"`}: ${SUBCOMMANDS.map((c) => c.name).join(', ')}; run "${CLI_NAME} experiment --help".`,
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(
      `${CLI_NAME} experiment ${command.name}: ${command.summary}\n\n${formatFlagHelp(command.flags)}\n`,
    );
    return;
  }
  const positional = POSITIONAL[command.name];
  const args =
    positional !== undefined && rest[0] !== undefined && !rest[0].startsWith('-')
      ? [`--${positional}`, ...rest]
      : rest;
  await command.run(parseFlags(args, command.flags, `experiment ${command.name}`), ctx);
}

/** `hearth-recs experiment`. */
export const experimentCommand: CliCommand = {
  name: 'experiment',
  summary:
    'A/B experiments: report (analysis), plan (sample size and days), validate (definitions)',
  flags: [],
  run: (_flags, ctx) => runExperiment([], ctx),
  runArgs: runExperiment,
};
