import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_COLUMN_ALIASES } from '../../src/core/data/parse/parse-catalog';
import { INTERACTION_COLUMN_ALIASES } from '../../src/core/data/parse/parse-interactions';
import { DEFAULT_EVENT_WEIGHTS, EVENT_TYPES } from '../../src/core/data/types';
import { ELEMENT_ATTRIBUTES } from '../../src/widget/element-attributes';
import { createHearthGlobal } from '../../src/widget/hearth-global';
import { WIDGET_CSS } from '../../src/widget/widget-styles';
import { WIDGET_ROW_TYPES } from '../../src/widget/widget-types';

// The merchant reference must follow the code: every attribute the element observes, every event,
// CSS hook, `window.Hearth` method, React prop and file-format column it documents is read from
// the source here, so adding one without documenting it fails.

const read = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const widgetDoc = read('docs/reference/widget.md');
const formatsDoc = read('docs/reference/data-formats.md');

/** The text of a `## title` section (up to the next `## `). */
function section(doc: string, title: string): string {
  const start = doc.indexOf(`\n## ${title}`);
  expect(start, `section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Names in the first column of a Markdown table (`| \`name\` |`). */
function tableKeys(text: string): Set<string> {
  return new Set([...text.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!));
}

/** Property names of an interface in a source file (`readonly name?:` lines). */
function interfaceFields(path: string, name: string): string[] {
  const source = read(path);
  const start = source.indexOf(`export interface ${name} `);
  expect(start, `${name} in ${path}`).toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((m) => m[1]!);
}

describe('docs/reference/widget.md', () => {
  it('documents every attribute <hearth-recs> observes, and only those', () => {
    const documented = tableKeys(section(widgetDoc, 'Attributes'));
    const attributeRows = [...documented].filter(
      (name) => !(WIDGET_ROW_TYPES as readonly string[]).includes(name),
    );
    expect(attributeRows.sort()).toEqual([...ELEMENT_ATTRIBUTES].sort());
  });

  it('documents every row type', () => {
    for (const type of WIDGET_ROW_TYPES) expect(widgetDoc).toContain(`| \`${type}\``);
  });

  it('documents every event the element dispatches', () => {
    const source = read('src/widget/hearth-recs-element.ts');
    const events = new Set(
      [...source.matchAll(/new CustomEvent(?:<\w+>)?\(\s*'(hearth-[a-z]+)'/g)].map((m) => m[1]!),
    );
    expect(events.size).toBeGreaterThanOrEqual(3);
    const documented = tableKeys(section(widgetDoc, 'Events'));
    for (const event of events) expect(documented, event).toContain(event);
  });

  it('documents every CSS custom property and part', () => {
    const styling = tableKeys(section(widgetDoc, 'Styling'));
    const properties = new Set(
      [...WIDGET_CSS.matchAll(/var\((--hearth-[a-z-]+)/g)].map((m) => m[1]!),
    );
    expect(properties.size).toBeGreaterThan(10);
    for (const property of properties) expect(styling, property).toContain(property);
    const render = read('src/widget/render-row.ts');
    const parts = new Set(
      [
        ...render.matchAll(/element\('[a-z0-9]+', '([a-z]+)'|setAttribute\('part', '([a-z]+)'\)/g),
      ].map((m) => (m[1] ?? m[2])!),
    );
    expect(parts.size).toBeGreaterThan(8);
    for (const part of parts) expect(styling, `part ${part}`).toContain(part);
  });

  it('documents every window.Hearth method', () => {
    const documented = section(widgetDoc, '`window.Hearth`');
    for (const method of Object.keys(createHearthGlobal())) {
      expect(documented, method).toMatch(new RegExp(`^\\| \`${method}\\(`, 'm'));
    }
  });

  it('documents every <HearthRecs> prop', () => {
    const documented = tableKeys(section(widgetDoc, 'React: `hearth-recs/widget/react`'));
    const props = [
      ...interfaceFields('src/widget/react/use-recommendations.ts', 'UseRecommendationsOptions'),
      ...interfaceFields('src/widget/react/hearth-recs.tsx', 'HearthRecsProps'),
    ];
    expect(props.length).toBeGreaterThan(15);
    for (const prop of props) expect(documented, prop).toContain(prop);
  });
});

describe('docs/reference/data-formats.md', () => {
  it('lists every column name the parsers recognise', () => {
    for (const aliases of [INTERACTION_COLUMN_ALIASES, CATALOG_COLUMN_ALIASES]) {
      for (const [role, names] of Object.entries<readonly string[]>(aliases)) {
        for (const name of names) expect(formatsDoc, `${role}: ${name}`).toContain(`\`${name}\``);
      }
    }
  });

  it('lists every event type with its default weight', () => {
    for (const type of EVENT_TYPES) {
      const row = new RegExp(
        `^\\| \`${type}\` +\\|[^\\n]*\\| ${DEFAULT_EVENT_WEIGHTS[type]} +\\|$`,
        'm',
      );
      expect(formatsDoc, type).toMatch(row);
    }
  });
});
