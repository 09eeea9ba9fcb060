/**
 * Characters that must not reach a terminal or a log line raw: C0 controls (escape sequences start
 * with ESC), DEL, C1 controls (U+009B is a one-character CSI), line and paragraph separators, and
 * the bidirectional overrides that make text display in a different order than it reads.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/**
 * Replaces control, separator and bidi-override characters by JSON-style escapes (`\n`,
 * `\u001b`, …), so untrusted text quoted in a message prints as one inert line. Row errors, JSON
 * parse errors and the CLI's error line all go through this one helper.
 *
 * @example
 * escapeControlCharacters('a\u001b[31mb'); // 'a\\u001b[31mb'
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(
    UNSAFE,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Longest JSON parser message quoted in an error; the parser's own excerpt is already short. */
const MAX_JSON_DETAIL = 160;

/**
 * The message of a `JSON.parse` failure, safe to embed in an error: escaped with
 * {@link escapeControlCharacters} (the engine's message quotes the raw input) and shortened.
 */
export function jsonErrorDetail(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw.length > MAX_JSON_DETAIL ? `${raw.slice(0, MAX_JSON_DETAIL)}…` : raw;
  return escapeControlCharacters(text);
}
