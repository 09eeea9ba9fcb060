/**
 * Unicode-aware tokenization of item titles and descriptions for the content tower.
 */

/** A compact English stop-word list (function words that carry no topical signal). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before ' +
    'being below between both but by can could did do does doing down during each few for from ' +
    'further had has have having he her here hers herself him himself his how i if in into is it ' +
    'its itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were ' +
    'what when where which while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Tokens dropped after lowercasing (default {@link ENGLISH_STOP_WORDS}; pass an empty set to keep all). */
  readonly stopWords?: ReadonlySet<string>;
  /** Also emit adjacent-token bigrams `"a b"` (after stop-word removal). Default false. */
  readonly bigrams?: boolean;
  /** Shortest kept token in code points; ideographs always count as long enough. Default 2. */
  readonly minLength?: number;
}

// Letters, combining marks and digits; apostrophes are removed first so "don't" stays one token.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const APOSTROPHES = /['\u2019\u02bc]/gu;
// Scripts written without spaces: each character is a token (and bigrams give character pairs).
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Splits `text` into lowercase tokens: NFKC-normalised runs of letters/digits (any script),
 * ideographic scripts split per character, stop words and too-short tokens removed, optionally
 * followed by bigrams of adjacent kept tokens.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const stopWords = options.stopWords ?? ENGLISH_STOP_WORDS;
  const minLength = options.minLength ?? 2;
  const unigrams: string[] = [];
  const normalised = text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, '');
  for (const match of normalised.matchAll(WORD)) {
    const word = match[0];
    const parts = IDEOGRAPHIC.test(word) ? splitIdeographic(word) : [word];
    for (const part of parts) {
      if (stopWords.has(part)) continue;
      if (codePointLength(part) < minLength && !IDEOGRAPHIC.test(part)) continue;
      unigrams.push(part);
    }
  }
  if (!options.bigrams || unigrams.length < 2) return unigrams;
  const tokens = unigrams.slice();
  for (let i = 1; i < unigrams.length; i++) tokens.push(`${unigrams[i - 1]!} ${unigrams[i]!}`);
  return tokens;
}

/** Splits a mixed run into single ideographic characters and the non-ideographic stretches between. */
function splitIdeographic(word: string): string[] {
  const parts: string[] = [];
  let run = '';
  for (const ch of word) {
    if (IDEOGRAPHIC.test(ch)) {
      if (run) parts.push(run);
      run = '';
      parts.push(ch);
    } else {
      run += ch;
    }
  }
  if (run) parts.push(run);
  return parts;
}

function codePointLength(s: string): number {
  let n = 0;
  // Low surrogates are the second half of a code point already counted.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
