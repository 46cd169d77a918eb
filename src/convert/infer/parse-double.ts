/**
 * The DOUBLE text rule, parsed straight from UTF-8 bytes. Grammar:
 *   -?(0|[1-9][0-9]*)?(\.[0-9]*)?([eE][+-]?[0-9]+)?   with at least one mantissa digit
 * so `.5`, `5.`, `1e10`, `1.5E-3` are numbers; `+1.5` (the sign would be dropped, as for INT64),
 * `00.5` (leading zeros: codes, not quantities), `NaN`, `Infinity`, `inf`, ` 1.5` are not.
 *
 * Exactness rule: a text is accepted only if it means the same number as the shortest text of the
 * double it parses to (JavaScript's `String(x)`, the shortest round-trip form), compared as
 * decimal values, so `1.10` (= 1.1) is accepted and `0.1000000000000000055511151231257827` or
 * `3.14159265358979323846264` (digits a double cannot carry) are not. Overflow (`1e309`) and
 * underflow to zero (`1e-400`) are therefore rejected; `-0.0` and `-0` keep their sign bit.
 * Integer-form texts (no `.`, no exponent) are accepted only with |n| <= 2^53, where every integer
 * is a double: bigger ones are ids whose neighbours would not be, so they stay INT64 or text.
 *
 * Fast path (no string): a decimal with at most 15 significant digits and a leading digit between
 * 10^-307 and 10^307 always round-trips (DBL_DIG = 15 for normal doubles), and its value is
 * mantissa * 10^e or mantissa / 10^-e, correctly rounded when mantissa < 2^53 and |e| <= 22
 * (Clinger): both operands are exact, IEEE rounds the one operation. Everything else takes the
 * slow path: decode, `Number()`, compare decimal values as strings. Rare in real data, and only
 * for texts that can still match (at most 17 significant digits, magnitude within the doubles).
 */

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  for (let i = 0, v = 1; i < 23; i++, v *= 10) p[i] = v; // 10^22 < 2^53 * 2^22: all exact
  return p;
})();

const MAX_SAFE_TEXT = "9007199254740992"; // 2^53
const EXPONENT_CAP = 100_000; // far beyond any finite double; keeps the exponent loop exact

/** The double that buf[start, end) means, or NaN when the text is not an exact DOUBLE text. */
export function parseDouble(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && buf[i] === 45 /* - */) {
    negative = true;
    i++;
  }
  // Mantissa: m holds the significant digits (first to last non-zero); zeros after a non-zero
  // digit wait in `pending` until another non-zero digit proves they are not trailing.
  let m = 0;
  let sig = 0;
  let pending = 0;
  const intStart = i;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    if (d === 0) {
      if (sig > 0) pending++;
    } else {
      if (pending > 0) {
        if (sig + pending < 16) m *= POW10[pending]!;
        sig += pending;
        pending = 0;
      }
      m = m * 10 + d;
      sig++;
    }
  }
  const intLen = i - intStart;
  if (intLen > 1 && buf[intStart] === 48) return NaN;
  let fracLen = 0;
  let dot = false;
  if (i < end && buf[i] === 46 /* . */) {
    dot = true;
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (d === 0) {
        if (sig > 0) pending++;
      } else {
        if (pending > 0) {
          if (sig + pending < 16) m *= POW10[pending]!;
          sig += pending;
          pending = 0;
        }
        m = m * 10 + d;
        sig++;
      }
    }
    fracLen = i - fracStart;
  }
  if (intLen + fracLen === 0) return NaN;
  let exp = 0;
  let hasExp = false;
  if (i < end && (buf[i] === 101 /* e */ || buf[i] === 69) /* E */) {
    hasExp = true;
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 43 /* + */ || buf[i] === 45)) expNegative = buf[i++] === 45;
    const expStart = i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exp < EXPONENT_CAP) exp = exp * 10 + d;
    }
    if (i === expStart) return NaN;
    if (expNegative) exp = -exp;
  }
  if (i !== end) return NaN;

  if (!dot && !hasExp) {
    // Integer form: |n| <= 2^53. Without leading zeros the digit count orders the magnitudes.
    if (intLen > 16 || (intLen === 16 && !digitsAtMost(buf, intStart, MAX_SAFE_TEXT))) return NaN;
  }
  if (sig === 0) return negative ? -0 : 0;
  const e10 = pending - fracLen + exp; // value = m * 10^e10
  const lead = sig - 1 + e10; // the leading digit's power of ten
  if (sig <= 15 && lead >= -307 && lead <= 307) {
    if (e10 >= 0 && e10 <= 22) return negative ? -(m * POW10[e10]!) : m * POW10[e10]!;
    if (e10 < 0 && e10 >= -22) return negative ? -(m / POW10[-e10]!) : m / POW10[-e10]!;
    return Number(ascii(buf, start, end)); // accepted already; only the value is needed (sign included)
  }
  // The shortest text of a double has at most 17 significant digits, and leading digits beyond
  // 10^308 overflow or below 10^-325 round to zero: such texts can never match, whatever length.
  if (sig > 17 || lead > 308 || lead < -325) return NaN;
  return slowPath(buf, start, end);
}

function slowPath(buf: Uint8Array, start: number, end: number): number {
  const text = ascii(buf, start, end);
  const v = Number(text);
  if (!Number.isFinite(v)) return NaN;
  return decimalKey(text) === decimalKey(String(Math.abs(v))) ? v : NaN;
}

/**
 * The decimal value of a numeric text's magnitude as `digits e exponent` with no leading or
 * trailing zeros in `digits` ("0" for zero): two texts mean the same magnitude iff keys are equal.
 */
export function decimalKey(text: string): string {
  let s = text;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  let exp = 0;
  const e = s.search(/[eE]/);
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf(".");
  if (dot >= 0) {
    exp -= s.length - dot - 1;
    s = s.slice(0, dot) + s.slice(dot + 1);
  }
  let first = 0;
  while (first < s.length && s[first] === "0") first++;
  let last = s.length;
  while (last > first && s[last - 1] === "0") last--;
  if (first === last) return "0";
  return `${s.slice(first, last)}e${exp + (s.length - last)}`;
}

/** Whether the digits at buf[at, at + limit.length) are <= `limit` (same length, so lexicographic). */
function digitsAtMost(buf: Uint8Array, at: number, limit: string): boolean {
  for (let k = 0; k < limit.length; k++) {
    const d = buf[at + k]!;
    const l = limit.charCodeAt(k);
    if (d !== l) return d < l;
  }
  return true;
}

/** Decodes bytes already validated as ASCII digits and signs. */
function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}
