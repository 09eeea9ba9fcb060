import { OptionError } from '../core/errors';

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
}

/** Parsed flags: flag name → value. */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/**
 * Parses `--name value`, `--name=value`, `-k value` and boolean `--name`. Unknown flags, missing
 * values and non-numeric numbers are `OptionError`s naming the flag.
 */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  command: string,
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
        `Unexpected argument "${arg}" for "hearth ${command}"; flags start with --.`,
      );
    }
    if (!spec) {
      throw new OptionError(
        `Unknown flag "${arg}" for "hearth ${command}"; run "hearth ${command} --help".`,
      );
    }
    if (spec.type === 'boolean') {
      out[spec.name] = inline === undefined ? true : inline !== 'false';
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
      out[spec.name] = value;
    } else {
      out[spec.name] = raw;
    }
  }
  for (const s of specs) {
    if (s.required && out[s.name] === undefined) {
      throw new OptionError(`Flag --${s.name} is required for "hearth ${command}".`);
    }
  }
  return out;
}

/** Renders the flag list of a command for `--help`. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => {
      const alias = s.alias ? `-${s.alias}, ` : '    ';
      const value = s.type === 'boolean' ? '' : ` <${s.type === 'number' ? 'n' : 'value'}>`;
      const def = s.defaultValue !== undefined ? ` (default ${String(s.defaultValue)})` : '';
      const req = s.required ? ' (required)' : '';
      return `  ${alias}--${s.name}${value}`.padEnd(34) + s.description + req + def;
    })
    .join('\n');
}

/** A column flag value: a 0-based index when numeric, else a header name. */
export function columnRef(
  value: string | number | boolean | undefined,
): string | number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return value;
  return /^\d+$/.test(value) ? Number(value) : value;
}
