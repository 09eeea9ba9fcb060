/**
 * Generated blocks in Markdown documents: the text between `<!-- name:start -->` and
 * `<!-- name:end -->`, which `npm run bench` rewrites from bench/results.json and tests compare.
 */

/** `doc` with the text between `<!-- name:start -->` and `<!-- name:end -->` replaced. */
export function replaceDocBlock(doc: string, name: string, lines: readonly string[]): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`The document has no ${start} … ${end} block.`);
  return `${doc.slice(0, a + start.length)}\n${lines.join('\n')}\n${doc.slice(b)}`;
}

/** The lines between a block's markers (without the markers and empty lines). */
export function readDocBlock(doc: string, name: string): string[] {
  const a = doc.indexOf(`<!-- ${name}:start -->`);
  const b = doc.indexOf(`<!-- ${name}:end -->`);
  if (a < 0 || b < a) return [];
  return doc
    .slice(a, b)
    .split('\n')
    .slice(1)
    .filter((line) => line !== '');
}
