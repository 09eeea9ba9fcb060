import packageJson from '../../package.json' with { type: 'json' };
import { escapeControlCharacters } from '../core/data/display-text';
import { HearthError } from '../core/errors';
import type { ImportReport } from '../core/data/parse';
import { CLI_NAME, formatColumns, formatFlagHelp, parseFlags, type FlagSpec } from './cli-args';
import type { CliCommand, CliContext } from './cli-context';
import { copyAssetsCommand } from './commands/copy-assets-command';
import { evalCommand } from './commands/eval-command';
import { experimentCommand } from './commands/experiment-command';
import { federatedSimCommand } from './commands/federated-sim-command';
import { generateCommand } from './commands/generate-command';
import { offlineManifestCommand } from './commands/offline-manifest-command';
import { recommendCommand } from './commands/recommend-command';
import { trainCommand } from './commands/train-command';
import type { TextSink } from './progress-bar';

/** The package version, inlined when the CLI is bundled. */
const CLI_VERSION: string = packageJson.version;

const COMMANDS: readonly CliCommand[] = [
  evalCommand,
  trainCommand,
  recommendCommand,
  federatedSimCommand,
  copyAssetsCommand,
  generateCommand,
  offlineManifestCommand,
  experimentCommand,
];

/** Flags every command accepts. */
const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'quiet',
    alias: 'q',
    type: 'boolean',
    description: 'No progress or import summary on stderr (row errors still print)',
  },
];

function usage(): string {
  return [
    `${CLI_NAME} — private, on-device recommendations`,
    '',
    `Usage: ${CLI_NAME} <command> [flags]`,
    '',
    formatColumns([
      ...COMMANDS.map((c) => [`  ${c.name}`, c.summary] as const),
      // Dispatched by the bin to the separately bundled server (the CLI does not import it).
      ['  server', `Run the federated aggregation server (see "${CLI_NAME} server --help")`],
    ]),
    '',
    `Run "${CLI_NAME} <command> --help" for the flags of a command.`,
  ].join('\n');
}

/** Prints an import summary and the first row errors. */
function reportImport(stderr: TextSink, quiet: boolean, report: ImportReport): void {
  if (quiet && report.rejectedRows === 0) return;
  stderr.write(
    `read ${report.acceptedRows} rows (${report.format})` +
      (report.rejectedRows > 0 ? `, rejected ${report.rejectedRows}:` : '') +
      '\n',
  );
  for (const e of report.errors)
    stderr.write(`  line ${e.line}: ${escapeControlCharacters(e.reason)}\n`);
  if (report.truncatedErrors > 0) stderr.write(`  … and ${report.truncatedErrors} more\n`);
}

/**
 * Runs the CLI with `argv` (without node and script). Returns the exit code; errors are printed
 * as one line on stderr.
 */
export async function runCli(
  argv: readonly string[],
  io: { stdout: TextSink; stderr: TextSink } = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${CLI_NAME} ${CLI_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `${CLI_NAME}: unknown command "${escapeControlCharacters(name)}"; run "${CLI_NAME} --help" for the list.\n`,
    );
    return 2;
  }
  const specs = [...command.flags, ...GLOBAL_FLAGS];
  if (command.runArgs === undefined && (rest.includes('--help') || rest.includes('-h'))) {
    const title = `${CLI_NAME} ${command.name}: ${command.summary}`;
    io.stdout.write(`${title}\n\n${formatFlagHelp(specs)}\n`);
    return 0;
  }
  try {
    const flags = command.runArgs
      ? {}
      : parseFlags(rest, specs, command.name, (warning) =>
          io.stderr.write(
            `${CLI_NAME} ${command.name}: warning: ${escapeControlCharacters(warning)}\n`,
          ),
        );
    const quiet = flags['quiet'] === true;
    const ctx: CliContext = {
      stdout: io.stdout,
      stderr: io.stderr,
      quiet,
      reportImport: (report) => reportImport(io.stderr, quiet, report),
    };
    await (command.runArgs ? command.runArgs(rest, ctx) : command.run(flags, ctx));
    return 0;
  } catch (error) {
    const message =
      error instanceof HearthError
        ? `${error.message} [${error.code}]`
        : error instanceof Error
          ? error.message
          : String(error);
    const line = escapeControlCharacters(message.replace(/\s*\n\s*/g, ' '));
    io.stderr.write(`${CLI_NAME} ${command.name}: ${line}\n`);
    return 1;
  }
}
