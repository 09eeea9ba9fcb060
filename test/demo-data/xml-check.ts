/**
 * A small XML well-formedness check for generated SVG (tests run in Node without a DOM parser):
 * balanced tags, quoted attributes, escaped text. Returns the first problem, or null.
 */
export function xmlProblem(xml: string): string | null {
  const stack: string[] = [];
  const token =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g;
  let last = 0;
  let rootClosed = false;
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    const text = xml.slice(last, m.index);
    if (text.trim() !== '' && stack.length === 0) return `text outside the root: "${text}"`;
    if (m[2] === undefined) return `stray "${m[0]}" at ${m.index}`;
    last = token.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (rootClosed) return `second root element <${name}>`;
    if (closing) {
      if (stack.pop() !== name) return `unbalanced </${name}>`;
      if (stack.length === 0) rootClosed = true;
    } else if (selfClosing) {
      if (stack.length === 0) rootClosed = true;
    } else {
      stack.push(name);
    }
  }
  if (xml.slice(last).trim() !== '') return 'text after the root';
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  return rootClosed ? null : 'no root element';
}
