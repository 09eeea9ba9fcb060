// Builds the library entries (engine, storage, worker, widget, widget/react) into dist/lib: tsc
// emits ESM and .d.ts (tsconfig.lib.json), then every relative module specifier is made
// extension-ful ('./x' → './x.js' or './x/index.js', resolved against the emitted files) so the
// output runs in plain Node and resolves under NodeNext, Node16 and Bundler. The sources keep
// their extensionless imports. The build fails if a relative specifier is left without an
// extension or points at a file that was not emitted.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(REPO, 'dist/lib');

/** Every file under `dir`. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const isRelative = (s) => s.startsWith('./') || s.startsWith('../');

/**
 * The relative specifiers of one emitted file, as [start, end, text] of their string literals:
 * static and dynamic imports, re-exports, `import('…')` types and `new URL('…', import.meta.url)`.
 */
function relativeSpecifiers(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node) && isRelative(node.text)) {
      found.push({ start: node.getStart(source) + 1, end: node.getEnd() - 1, text: node.text });
    }
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0]);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.[1]?.getText(source) === 'import.meta.url'
    ) {
      add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The emitted file a specifier must point at from `file` (`.d.ts` files point at `.d.ts`). */
function target(file, spec) {
  const path = resolve(dirname(file), spec);
  return file.endsWith('.d.ts') ? path.replace(/\.js$/, '.d.ts') : path;
}

/** `spec` with the extension that resolves against the emitted files, or null if none does. */
function withExtension(file, spec) {
  const js = spec.replace(/\.tsx?$/, '.js');
  const candidates = /\.js$/.test(js) ? [js] : [`${js}.js`, `${js}/index.js`];
  return candidates.find((c) => existsSync(target(file, c))) ?? null;
}

rmSync(OUT, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], { cwd: REPO, stdio: 'inherit' });
} catch {
  console.error(
    'build:lib: tsc -p tsconfig.lib.json failed (errors above); dist/lib is incomplete',
  );
  process.exit(1);
}

const files = walk(OUT).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
const problems = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  let rewritten = text;
  for (const s of relativeSpecifiers(file, text).reverse()) {
    const fixed = withExtension(file, s.text);
    if (fixed === null) {
      problems.push(`${relative(REPO, file)}: "${s.text}" resolves to no emitted file`);
      continue;
    }
    rewritten = rewritten.slice(0, s.start) + fixed + rewritten.slice(s.end);
  }
  if (rewritten !== text) writeFileSync(file, rewritten);
}

// Verify the result from scratch: every relative specifier has an extension and its file exists.
for (const file of files) {
  for (const s of relativeSpecifiers(file, readFileSync(file, 'utf8'))) {
    if (!/\.js$/.test(s.text)) problems.push(`${relative(REPO, file)}: "${s.text}" lacks .js`);
    else if (!existsSync(target(file, s.text))) {
      problems.push(`${relative(REPO, file)}: "${s.text}" points at a missing file`);
    }
  }
}
if (problems.length > 0) {
  console.error(`build:lib: ${problems.length} bad module specifiers in dist/lib:`);
  for (const p of [...new Set(problems)].slice(0, 50)) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`build:lib: ${files.length} files in dist/lib, every relative specifier extension-ful`);
