import { describe, expect, it } from 'vitest';
import type { FlagSpec } from '../../src/cli/cli-args';
import { columnRef, formatColumns, formatFlagHelp, parseFlags } from '../../src/cli/cli-args';
import { OptionError } from '../../src/core/errors';

const SPECS: readonly FlagSpec[] = [
  { name: 'interactions', type: 'string', required: true, description: 'Input file' },
  { name: 'k', alias: 'k', type: 'number', defaultValue: 10, description: 'Items' },
  { name: 'seed', type: 'number', description: 'Seed' },
  { name: 'json', type: 'boolean', description: 'JSON output' },
  { name: 'model', alias: 'm', type: 'string', defaultValue: 'mf', description: 'Model' },
];

const parse = (argv: string[]): ReturnType<typeof parseFlags> => parseFlags(argv, SPECS, 'eval');

function optionError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).code).toBe('INVALID_OPTION');
    return (error as OptionError).message;
  }
  throw new Error('expected an OptionError');
}

describe('parseFlags', () => {
  it('parses --name value, applies defaults and converts numbers', () => {
    expect(parse(['--interactions', 'a.tsv', '--seed', '7'])).toEqual({
      interactions: 'a.tsv',
      k: 10,
      seed: 7,
      model: 'mf',
    });
  });

  it('parses --name=value, including values with = and leading dashes', () => {
    const flags = parse(['--interactions=x=y.tsv', '--seed=-3', '--model=pop']);
    expect(flags['interactions']).toBe('x=y.tsv');
    expect(flags['seed']).toBe(-3);
    expect(flags['model']).toBe('pop');
  });

  it('parses single-letter aliases', () => {
    const flags = parse(['-k', '5', '-m', 'itemknn', '--interactions', 'f']);
    expect(flags['k']).toBe(5);
    expect(flags['model']).toBe('itemknn');
  });

  it('parses booleans with and without a value', () => {
    expect(parse(['--interactions', 'f', '--json'])['json']).toBe(true);
    expect(parse(['--interactions', 'f', '--json=false'])['json']).toBe(false);
    expect(parse(['--interactions', 'f'])['json']).toBeUndefined();
  });

  it('lets a later flag override an earlier one', () => {
    expect(parse(['--interactions', 'f', '--seed', '1', '--seed', '2'])['seed']).toBe(2);
  });

  it('accepts a negative number as a separate value', () => {
    expect(parse(['--interactions', 'f', '--seed', '-1'])['seed']).toBe(-1);
  });

  it('rejects unknown flags and aliases, naming them', () => {
    expect(optionError(() => parse(['--interactions', 'f', '--bogus', '1']))).toContain('--bogus');
    expect(optionError(() => parse(['--interactions', 'f', '-z']))).toContain('-z');
    expect(optionError(() => parse(['--interactions', 'f', '--bogus=1']))).toContain('--bogus');
  });

  it('rejects stray positional arguments', () => {
    expect(optionError(() => parse(['data.tsv']))).toContain('data.tsv');
  });

  it('rejects missing values', () => {
    expect(optionError(() => parse(['--interactions']))).toContain('--interactions');
    expect(optionError(() => parse(['--interactions', '--json']))).toContain('--interactions');
    expect(optionError(() => parse(['--interactions', 'f', '-k']))).toContain('--k');
  });

  it('rejects non-numeric numbers', () => {
    expect(optionError(() => parse(['--interactions', 'f', '--seed', 'abc']))).toContain('abc');
    expect(optionError(() => parse(['--interactions', 'f', '--seed=']))).toContain('--seed');
    expect(optionError(() => parse(['--interactions', 'f', '--seed', 'Infinity']))).toContain(
      '--seed',
    );
  });

  it('requires required flags', () => {
    expect(optionError(() => parse(['--json']))).toContain('--interactions');
  });

  it('stores a deprecated flag under its replacement and warns', () => {
    const specs: FlagSpec[] = [
      { name: 'training', type: 'string', description: 'Mode' },
      { name: 'dp-mode', type: 'string', deprecatedFor: 'training', description: 'Old' },
    ];
    const warnings: string[] = [];
    const flags = parseFlags(['--dp-mode', 'rounds'], specs, 'sim', (w) => warnings.push(w));
    expect(flags).toEqual({ training: 'rounds' });
    expect(warnings).toEqual(['--dp-mode is deprecated; use --training (same values).']);
    expect(formatFlagHelp(specs)).not.toContain('dp-mode');
    parseFlags(['--training', 'rounds'], specs, 'sim', (w) => warnings.push(w));
    expect(warnings).toHaveLength(1);
  });
});

describe('formatFlagHelp', () => {
  it('lists every flag with alias, value kind, default and required marker', () => {
    const help = formatFlagHelp(SPECS);
    const lines = help.split('\n');
    expect(lines).toHaveLength(SPECS.length);
    expect(lines[0]).toContain('--interactions <value>');
    expect(lines[0]).toContain('(required)');
    expect(lines[1]).toContain('-k, --k <n>');
    expect(lines[1]).toContain('(default 10)');
    expect(lines[3]).toContain('--json');
    expect(lines[3]).not.toContain('<');
  });
});

describe('formatColumns', () => {
  it('starts every description in one column and wraps long ones under it', () => {
    const text = formatColumns([
      ['  eval', 'Short'],
      ['  federated-sim', `Long ${'word '.repeat(40).trim()}`],
    ]);
    const lines = text.split('\n');
    const column = '  federated-sim  '.length;
    expect(lines[0]).toBe(`${'  eval'.padEnd(column)}Short`);
    expect(lines[1]!.indexOf('Long')).toBe(column);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of lines.slice(2)) expect(line.slice(0, column).trim()).toBe('');
  });
});

describe('columnRef', () => {
  it('turns digit strings into indices and keeps header names', () => {
    expect(columnRef('0')).toBe(0);
    expect(columnRef('12')).toBe(12);
    expect(columnRef(3)).toBe(3);
    expect(columnRef('user_id')).toBe('user_id');
    expect(columnRef('1a')).toBe('1a');
    expect(columnRef(undefined)).toBeUndefined();
    expect(columnRef(true)).toBeUndefined();
  });
});
