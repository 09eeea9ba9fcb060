// `npm run docs:api`: the API reference in docs/api/, one Markdown page per public entry of the
// package, generated with TypeDoc's converter (typedoc.json) and rendered here as Markdown (no
// TypeDoc theme plugin needed). Deterministic: no dates or absolute paths, so a re-run on unchanged
// sources rewrites nothing. `--check` writes nothing and exits 1 when the committed pages are stale.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { Application, ReflectionKind } from 'typedoc';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(REPO, 'docs/api');
const check = process.argv.includes('--check');

/** Entry file (as TypeDoc names the module) → import path and page file. */
const ENTRIES = [
  { module: 'core', importPath: 'hearth-recs', page: 'hearth-recs.md' },
  { module: 'storage', importPath: 'hearth-recs/storage', page: 'storage.md' },
  { module: 'worker', importPath: 'hearth-recs/worker', page: 'worker.md' },
  { module: 'widget', importPath: 'hearth-recs/widget', page: 'widget.md' },
  { module: 'widget/react', importPath: 'hearth-recs/widget/react', page: 'widget-react.md' },
  { module: 'widget/offline', importPath: 'hearth-recs/widget/offline', page: 'widget-offline.md' },
];

/** Sections of a page, in order. */
const GROUPS = [
  ['Functions', ReflectionKind.Function],
  ['Classes', ReflectionKind.Class],
  ['Interfaces', ReflectionKind.Interface],
  ['Types', ReflectionKind.TypeAlias],
  ['Constants', ReflectionKind.Variable],
  ['Enumerations', ReflectionKind.Enum],
];

const app = await Application.bootstrap({
  options: join(REPO, 'typedoc.json'),
  logLevel: 'Warn',
});
const project = await app.convert();
if (!project) {
  console.error('docs:api: TypeDoc could not convert the entry points (see the errors above).');
  process.exit(1);
}

/** Plain Markdown of comment parts; `{@link X}` becomes `X` in code. */
function parts(list) {
  return (list ?? [])
    .map((part) => {
      if (part.kind === 'inline-tag') return `\`${part.text.trim() || part.target?.name || ''}\``;
      return part.text;
    })
    .join('')
    .trim();
}

/** A type as TypeScript text (TypeDoc's own printer). */
const typeText = (type) => (type ? type.toString() : 'unknown');

/** A one-line description for tables: the summary's first paragraph, pipes escaped. */
function oneLine(comment) {
  const text = parts(comment?.summary).split(/\n\s*\n/)[0] ?? '';
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** Summary, then block tags (`@throws`, `@example`, `@returns`, `@deprecated`) of a comment. */
function commentBlock(comment) {
  if (!comment) return [];
  const out = [];
  const summary = parts(comment.summary);
  if (summary) out.push(summary);
  for (const tag of comment.blockTags ?? []) {
    const body = parts(tag.content);
    switch (tag.tag) {
      case '@example': {
        const code = body.startsWith('```') ? body : `\`\`\`ts\n${body}\n\`\`\``;
        out.push(`**Example**\n\n${code}`);
        break;
      }
      case '@throws':
        out.push(`**Throws** ${body}`);
        break;
      case '@returns':
        out.push(`**Returns** ${body}`);
        break;
      case '@deprecated':
        out.push(`**Deprecated** ${body}`);
        break;
      default:
        break;
    }
  }
  return out;
}

function typeParams(list) {
  return list?.length ? `<${list.map((t) => t.name).join(', ')}>` : '';
}

function signatureText(name, sig) {
  const params = (sig.parameters ?? [])
    .map((p) => {
      const rest = p.flags.isRest ? '...' : '';
      const optional = p.flags.isOptional || p.defaultValue !== undefined ? '?' : '';
      return `${rest}${p.name}${optional}: ${typeText(p.type)}`;
    })
    .join(', ');
  return `${name}${typeParams(sig.typeParameters)}(${params}): ${typeText(sig.type)}`;
}

/** A signature's parameter descriptions as a list. */
function paramList(sig) {
  const rows = (sig.parameters ?? []).filter((p) => p.comment?.summary?.length);
  return rows.length === 0
    ? []
    : [
        rows
          .map((p) => `- \`${p.name}\`: ${parts(p.comment.summary).replace(/\n/g, ' ')}`)
          .join('\n'),
      ];
}

function renderFunction(ref) {
  const out = [`### ${ref.name}`];
  for (const sig of ref.signatures ?? []) {
    out.push(`\`\`\`ts\nfunction ${signatureText(ref.name, sig)}\n\`\`\``);
    out.push(...commentBlock(sig.comment ?? ref.comment), ...paramList(sig));
  }
  return out;
}

/** Public members of a class or interface: a property table, then method signatures. */
function renderMembers(ref) {
  const members = (ref.children ?? []).filter(
    (c) => !c.flags.isPrivate && !c.flags.isProtected && !c.name.startsWith('#'),
  );
  const out = [];
  const props = members.filter((c) => c.kindOf(ReflectionKind.Property | ReflectionKind.Accessor));
  if (props.length > 0) {
    const rows = props.map((p) => {
      const type = p.type ?? p.getSignature?.type;
      const flags = `${p.flags.isReadonly || (p.getSignature && !p.setSignature) ? 'readonly ' : ''}${p.flags.isStatic ? 'static ' : ''}`;
      const name = `${flags}${p.name}${p.flags.isOptional ? '?' : ''}`;
      const comment = p.comment ?? p.getSignature?.comment;
      return `| \`${name}\` | \`${typeText(type).replace(/\|/g, '\\|').replace(/\n/g, ' ')}\` | ${oneLine(comment)} |`;
    });
    out.push(['| property | type | description |', '| --- | --- | --- |', ...rows].join('\n'));
  }
  for (const method of members.filter((c) => c.kindOf(ReflectionKind.Method))) {
    for (const sig of method.signatures ?? []) {
      const prefix = method.flags.isStatic ? 'static ' : '';
      out.push(
        `#### ${method.name}()\n\n\`\`\`ts\n${prefix}${signatureText(method.name, sig)}\n\`\`\``,
      );
      out.push(...commentBlock(sig.comment ?? method.comment), ...paramList(sig));
    }
  }
  return out;
}

function renderClass(ref) {
  const heritage = ref.extendedTypes?.length
    ? ` extends ${ref.extendedTypes.map(typeText).join(', ')}`
    : '';
  const out = [
    `### ${ref.name}`,
    `\`\`\`ts\nclass ${ref.name}${typeParams(ref.typeParameters)}${heritage}\n\`\`\``,
  ];
  out.push(...commentBlock(ref.comment));
  const ctor = ref.children?.find((c) => c.kindOf(ReflectionKind.Constructor));
  for (const sig of ctor?.signatures ?? []) {
    out.push(`\`\`\`ts\n${signatureText(`new ${ref.name}`, sig).replace(/: [^:]*$/, '')}\n\`\`\``);
  }
  out.push(...renderMembers(ref));
  return out;
}

function renderInterface(ref) {
  const heritage = ref.extendedTypes?.length
    ? ` extends ${ref.extendedTypes.map(typeText).join(', ')}`
    : '';
  const out = [`### ${ref.name}`];
  if (heritage)
    out.push(`\`\`\`ts\ninterface ${ref.name}${typeParams(ref.typeParameters)}${heritage}\n\`\`\``);
  out.push(...commentBlock(ref.comment), ...renderMembers(ref));
  return out;
}

function renderTypeAlias(ref) {
  return [
    `### ${ref.name}`,
    `\`\`\`ts\ntype ${ref.name}${typeParams(ref.typeParameters)} = ${typeText(ref.type)}\n\`\`\``,
    ...commentBlock(ref.comment),
    ...(ref.children?.length ? renderMembers(ref) : []),
  ];
}

function renderVariable(ref) {
  return [
    `### ${ref.name}`,
    `\`\`\`ts\nconst ${ref.name}: ${typeText(ref.type)}\n\`\`\``,
    ...commentBlock(ref.comment),
  ];
}

function renderEnum(ref) {
  const rows = (ref.children ?? []).map(
    (m) => `| \`${m.name}\` | \`${typeText(m.type)}\` | ${oneLine(m.comment)} |`,
  );
  return [
    `### ${ref.name}`,
    ...commentBlock(ref.comment),
    ['| member | value | description |', '| --- | --- | --- |', ...rows].join('\n'),
  ];
}

const RENDER = new Map([
  [ReflectionKind.Function, renderFunction],
  [ReflectionKind.Class, renderClass],
  [ReflectionKind.Interface, renderInterface],
  [ReflectionKind.TypeAlias, renderTypeAlias],
  [ReflectionKind.Variable, renderVariable],
  [ReflectionKind.Enum, renderEnum],
]);

/** The exports of a module, following re-exports (`export *` from another entry). */
function exportsOf(module) {
  return (module.children ?? [])
    .map((child) =>
      child.kindOf(ReflectionKind.Reference) ? child.getTargetReflectionDeep() : child,
    )
    .filter((ref, i, all) => all.indexOf(ref) === i);
}

function renderPage(entry, module) {
  const out = [
    `# \`${entry.importPath}\``,
    `> Generated by \`npm run docs:api\` from the TSDoc comments in the sources; do not edit.`,
    `\`\`\`ts\nimport { … } from '${entry.importPath}';\n\`\`\``,
    ...commentBlock(module.comment),
  ];
  const refs = exportsOf(module);
  const contents = [];
  const body = [];
  for (const [title, kind] of GROUPS) {
    const group = refs
      .filter((ref) => ref.kindOf(kind))
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    if (group.length === 0) continue;
    contents.push(`- ${title}: ${group.map((r) => `[${r.name}](#${anchor(r.name)})`).join(', ')}`);
    body.push(`## ${title}`);
    for (const ref of group) body.push(...RENDER.get(kind)(ref));
  }
  return [...out, '## Contents', contents.join('\n'), ...body].join('\n\n');
}

/** GitHub's heading anchor for a plain name. */
const anchor = (name) => name.toLowerCase().replace(/[^a-z0-9_-]/g, '');

function renderIndex() {
  // The first sentence of each module comment: the pages carry the rest.
  const rows = ENTRIES.map(
    (e) =>
      `| [\`${e.importPath}\`](${e.page}) | ${oneLine(moduleOf(e).comment).split(/(?<=\.) /)[0]} |`,
  );
  return [
    '# API reference',
    '> Generated by `npm run docs:api` from the TSDoc comments in the sources; do not edit.',
    'One page per entry point of the `hearth-recs` package. Guides: the [README](../../README.md), the [widget reference](../reference/widget.md), the [data formats](../reference/data-formats.md), the [browser runtime](../browser-runtime.md) and the [engine](../engine.md).',
    ['| import | what |', '| --- | --- |', ...rows].join('\n'),
  ].join('\n\n');
}

function moduleOf(entry) {
  const module = project.children?.find((c) => c.name === entry.module);
  if (!module) {
    const names = (project.children ?? []).map((c) => c.name).join(', ');
    throw new Error(`docs:api: no module "${entry.module}" in the TypeDoc project (${names}).`);
  }
  return module;
}

const prettierOptions = {
  ...((await prettier.resolveConfig(join(OUT, 'index.md'))) ?? {}),
  parser: 'markdown',
};
const pages = new Map([['README.md', renderIndex()]]);
for (const entry of ENTRIES) pages.set(entry.page, renderPage(entry, moduleOf(entry)));

let stale = 0;
if (!check) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
}
for (const [file, markdown] of pages) {
  const text = await prettier.format(`${markdown}\n`, prettierOptions);
  const path = join(OUT, file);
  if (check) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // A missing page is stale too.
    }
    if (current !== text) {
      console.error(`docs:api: docs/api/${file} is out of date; run "npm run docs:api".`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
  }
}
if (check) {
  const extra = readdirSync(OUT).filter((f) => !pages.has(f));
  for (const file of extra) console.error(`docs:api: docs/api/${file} is not generated any more.`);
  if (stale + extra.length > 0) process.exit(1);
  console.log(`docs:api: ${pages.size} pages up to date`);
} else {
  console.log(`docs:api: wrote ${pages.size} pages to docs/api/`);
}
