/**
 * The two rewrites of source bytes the JSON readers make, both into a caller's buffer:
 *
 *   decodeString   a string's escapes resolved to UTF-8: `\n` → LF, `\u00e9` → é, a surrogate pair
 *                  `\ud83d\ude00` → one 4-byte character. This is the string's value (STRING cells,
 *                  keys). A lone surrogate (`\ud800` not followed by a low one) has no UTF-8 form:
 *                  it is an error rather than a replacement character, so no value is rewritten.
 *   compactJson    a nested value's JSON text without the whitespace between tokens (whitespace
 *                  inside strings is kept). Everything else stays as the source wrote it: key order,
 *                  escapes, number spelling (`1.10`, `1E5`, 2^64 digits), so the text is exact.
 *
 * Both run only over bytes the scanner has already validated (json-scanner.ts), so they never see
 * an unterminated string, a bad escape or invalid UTF-8, and their output is never longer than
 * their input: the caller sizes the target by the input length.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Each simple escape letter's byte (0 for letters that are not simple escapes). */
const UNESCAPE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const pairs: [string, number][] = [['"', 0x22], ["\\", 0x5c], ["/", 0x2f], ["b", 0x08], ["f", 0x0c], ["n", 0x0a], ["r", 0x0d], ["t", 0x09]];
  for (const [c, b] of pairs) t[c.charCodeAt(0)] = b;
  return t;
})();

/**
 * Decodes the validated string body src[start, end) (between the quotes) into dst at `at`;
 * returns the end of the decoded bytes in dst, or, for a lone surrogate escape at src[p],
 * the negative number -1 - p.
 */
export function decodeString(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  let j = at;
  let i = start;
  while (i < end) {
    const c = src[i]!;
    if (c !== BACKSLASH) {
      dst[j++] = c;
      i++;
      continue;
    }
    const e = src[i + 1]!;
    if (e !== 0x75 /* u */) {
      dst[j++] = UNESCAPE[e]!;
      i += 2;
      continue;
    }
    let cp = hex4(src, i + 2);
    const escapeStart = i;
    i += 6;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A high surrogate must be followed by a \u low surrogate: together one code point.
      const low = cp <= 0xdbff && src[i] === BACKSLASH && src[i + 1] === 0x75 ? hex4(src, i + 2) : -1;
      if (low < 0xdc00 || low > 0xdfff) return -1 - escapeStart;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      i += 6;
    }
    if (cp < 0x80) dst[j++] = cp;
    else if (cp < 0x800) {
      dst[j++] = 0xc0 | (cp >> 6);
      dst[j++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      dst[j++] = 0xe0 | (cp >> 12);
      dst[j++] = 0x80 | ((cp >> 6) & 0x3f);
      dst[j++] = 0x80 | (cp & 0x3f);
    } else {
      dst[j++] = 0xf0 | (cp >> 18);
      dst[j++] = 0x80 | ((cp >> 12) & 0x3f);
      dst[j++] = 0x80 | ((cp >> 6) & 0x3f);
      dst[j++] = 0x80 | (cp & 0x3f);
    }
  }
  return j;
}

function hex4(src: Uint8Array, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = src[i + k]!;
    v = v * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
  }
  return v;
}

/** Copies the validated JSON value src[start, end) to dst at `at` without insignificant whitespace; returns the end. */
export function compactJson(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): number {
  let j = at;
  let i = start;
  while (i < end) {
    const c = src[i++]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    dst[j++] = c;
    if (c !== QUOTE) continue;
    // Inside a string: copy up to the closing quote, escapes as they are.
    for (;;) {
      const s = src[i++]!;
      dst[j++] = s;
      if (s === QUOTE) break;
      if (s === BACKSLASH) dst[j++] = src[i++]!;
    }
  }
  return j;
}
