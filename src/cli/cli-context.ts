import type { ImportReport } from '../core/data/parse';
import type { FlagSpec, ParsedFlags } from './cli-args';
import type { TextSink } from './progress-bar';

/** What a command gets: output streams and shared reporting. */
export interface CliContext {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** True when progress output should be suppressed. */
  readonly quiet: boolean;
  /** Prints an import summary (and the first row errors) to stderr. */
  reportImport(report: ImportReport): void;
}

/** One `hearth-recs` sub-command. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  run(flags: ParsedFlags, ctx: CliContext): Promise<void>;
  /**
   * For commands with sub-commands (`experiment report …`): gets the raw arguments after the
   * command's name, `--help` included, instead of `run` getting flags parsed by `flags`.
   */
  runArgs?(argv: readonly string[], ctx: CliContext): Promise<void>;
}
