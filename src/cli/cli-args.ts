import { OptionError } from '../core/errors';

/** The command users type: the npm package's bin. */
export const CLI_NAME = 'hearth-recs';

/** Declaration of one command-line flag. */
export interface FlagSpec {
  readonly name: string;
  /** Single-letter alias, e.g. `k` for `-k`. */
  readonly alias?: string;
  /** `boolean` flags take no value. */
  readonly type: 'string' | 'number' | 'boolean';
  readonly required?: boolean;
  readonly description: string;
  readonly defaultValue?: string | number | boolean;
  /**
   * Marks an old name kept for compatibility: its value is stored under this flag's name, a
   * warning says to use that flag instead, and `--help` does not list it.
   */
  readonly deprecatedFor?: string;
}

/** Parsed flags: flag name → value. */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/**
 * Parses `--name value`, `--name=value`, `-k value` and boolean `--name`. Unknown flags, missing
 * values and non-numeric numbers are `OptionError`s naming the flag; a deprecated flag calls
 * `warn` and counts as its replacement.
 */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  command: string,
  warn: (message: string) => void = () => {},
): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byAlias = new Map(specs.filter((s) => s.alias).map((s) => [s.alias!, s]));
  const out: ParsedFlags = {};
  for (const s of specs) if (s.defaultValue !== undefined) out[s.name] = s.defaultValue;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name: string;
    let inline: string | undefined;
    let spec: FlagSpec | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byName.get(name);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = arg.slice(1);
      spec = byAlias.get(name);
    } else {
      throw new OptionError(
        `Unexpected argument "${arg}" for "${CLI_NAME} ${command}"; flags start with --.`,
      );
    }
    if (!spec) {
      throw new OptionError(
        `Unknown flag "${arg}" for "${CLI_NAME} ${command}"; run "${CLI_NAME} ${command} --help".`,
      );
    }
    const key = spec.deprecatedFor ?? spec.name;
    if (spec.deprecatedFor !== undefined) {
      warn(`--${spec.name} is deprecated; use --${spec.deprecatedFor} (same values).`);
    }
    if (spec.type === 'boolean') {
      out[key] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) {
      throw new OptionError(`Flag --${spec.name} needs a value.`);
    }
    if (spec.type === 'number') {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) {
        throw new OptionError(`Flag --${spec.name} needs a number (got "${raw}").`);
      }
      out[key] = value;
    } else {
      out[key] = raw;
    }
  }
  for (const s of specs) {
    if (s.required && out[s.name] === undefined) {
      throw new OptionError(`Flag --${s.name} is required for "${CLI_NAME} ${command}".`);
    }
  }
  return out;
}

/** Width `--help` wraps descriptions at. */
const HELP_WIDTH = 100;

/**
 * Renders `[left, right]` rows as two aligned columns: the right column starts after the widest
 * left cell, and long right cells wrap onto indented lines within {@link HELP_WIDTH}.
 */
export function formatColumns(rows: readonly (readonly [string, string])[]): string {
  const column = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
  const room = Math.max(30, HELP_WIDTH - column);
  return rows
    .map(([left, right]) => {
      const lines: string[] = [];
      let line = '';
      for (const word of right.split(' ')) {
        if (line !== '' && line.length + 1 + word.length > room) {
          lines.push(line);
          line = word;
        } else {
          line = line === '' ? word : `${line} ${word}`;
        }
      }
      lines.push(line);
      return lines
        .map((text, i) => (i === 0 ? left.padEnd(column) : ' '.repeat(column)) + text)
        .join('\n');
    })
    .join('\n');
}

/** Renders the flag list of a command for `--help` (deprecated names are left out). */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  return formatColumns(
    specs
      .filter((s) => s.deprecatedFor === undefined)
      .map((s) => {
        const alias = s.alias ? `-${s.alias}, ` : '    ';
        const value = s.type === 'boolean' ? '' : ` <${s.type === 'number' ? 'n' : 'value'}>`;
        const def = s.defaultValue !== undefined ? ` (default ${String(s.defaultValue)})` : '';
        const req = s.required ? ' (required)' : '';
        return [`  ${alias}--${s.name}${value}`, s.description + req + def] as const;
      }),
  );
}

/** A column flag value: a 0-based index when numeric, else a header name. */
export function columnRef(
  value: string | number | boolean | undefined,
): string | number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return value;
  return /^\d+$/.test(value) ? Number(value) : value;
}
