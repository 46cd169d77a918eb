/**
 * The JSON text of a nested element (record-tree.ts), for JSON columns. One stable rendering:
 *
 *   an element with only text (or nothing)   "its text" (a JSON string; "" when empty)
 *   an element with xsi:nil="true" (or "1") as its only attribute and no content   null
 *   any other element                        an object, keys in this order:
 *       "@attr": "value"       each attribute, in document order
 *       "child": <child>       each child element name, in order of first appearance; a name that
 *       "child": [<c1>, <c2>]  occurs more than once under this element is an array of all of them
 *       "#text": "..."         the element's own text if it is not only white space: the text
 *                              runs directly inside it, concatenated, without the runs of only
 *                              white space between children (mixed content loses where the text
 *                              stood between the children)
 *
 * Every leaf is a string: values inside JSON are never typed, so nothing is rounded or reformatted.
 * Names are written as they are in the file (`ns:tag`). Strings are escaped per RFC 8259 (`"`,
 * `\`, control characters); other characters are written as their UTF-8.
 */

import { GrowableBytes } from "../parquet/scratch-buffers.ts";
import { isAllSpace } from "./xml-chars.ts";
import { ELEMENT, NONE, type RecordTree, TEXT } from "./record-tree.ts";

const ESCAPE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 1;
ESCAPE[0x22] = ESCAPE[0x5c] = 1;
const SHORT: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };
const HEX = "0123456789abcdef";
const XSI_NIL = Uint8Array.from("xsi:nil", (c) => c.charCodeAt(0));
/** Past this many child elements, children are grouped by name with a Map instead of pairwise. */
const GROUP_BY_MAP = 64;

const KEEP_BYTES = 8 * 1024 * 1024; // a scratch grown past this by one huge record is not kept

export class JsonRenderer {
  out = new GrowableBytes(4096);
  private done = new Int32Array(256);
  private pass = 0;

  /** Drops a scratch that one huge value made large (between records). */
  release(): void {
    if (this.out.bytes.length > KEEP_BYTES) this.out = new GrowableBytes(4096);
    if (this.done.length > KEEP_BYTES / 4) this.done = new Int32Array(256);
  }

  /** Renders element n; the JSON is appended to `out`. */
  element(t: RecordTree, n: number): void {
    if (isNil(t, n)) return this.raw("null");
    if (t.attrCount[n] === 0 && t.hasElements[n] === 0) return this.texts(t, n, true);
    if (this.done.length < t.nodeCount) this.done = new Int32Array(Math.max(t.nodeCount, 2 * this.done.length));
    const pass = ++this.pass;
    const out = this.out;
    out.pushByte(0x7b); // {
    let first = true;
    for (let a = t.attrFirst[n]!, k = 0; k < t.attrCount[n]!; a++, k++) {
      if (!first) out.pushByte(0x2c);
      first = false;
      this.string(t.data, t.attrNameStart[a]!, t.attrNameEnd[a]!, 0x40 /* @ */);
      out.pushByte(0x3a);
      this.string(t.data, t.attrValueStart[a]!, t.attrValueEnd[a]!);
    }
    const groups = t.hasElements[n] === 1 && countElements(t, n) > GROUP_BY_MAP ? groupByName(t, n) : null;
    for (let c = t.firstChild[n]!; c !== NONE; c = t.nextSibling[c]!) {
      if (t.kind[c] !== ELEMENT || this.done[c] === pass) continue;
      if (!first) out.pushByte(0x2c);
      first = false;
      this.string(t.data, t.start[c]!, t.end[c]!);
      out.pushByte(0x3a);
      const same = groups !== null ? groups.get(nameKey(t, c))! : sameNamed(t, c);
      if (same.length === 1) {
        this.element(t, c);
        continue;
      }
      out.pushByte(0x5b); // [
      for (let k = 0; k < same.length; k++) {
        if (k > 0) out.pushByte(0x2c);
        this.done[same[k]!] = pass;
        this.element(t, same[k]!);
      }
      out.pushByte(0x5d);
    }
    if (hasOwnText(t, n)) {
      if (!first) out.pushByte(0x2c);
      this.raw('"#text":');
      this.texts(t, n, false);
    }
    out.pushByte(0x7d);
  }

  /** A JSON array of element `first` and the `count` - 1 later siblings of the same name. */
  group(t: RecordTree, first: number, count: number): void {
    this.out.pushByte(0x5b);
    this.element(t, first);
    for (let s = t.nextSibling[first]!, k = 1; k < count && s !== NONE; s = t.nextSibling[s]!) {
      if (t.kind[s] !== ELEMENT || !sameName(t, first, s)) continue;
      this.out.pushByte(0x2c);
      this.element(t, s);
      k++;
    }
    this.out.pushByte(0x5d);
  }

  /** A JSON string of buf[start, end), optionally prefixed by one ASCII byte (`@` for attribute keys). */
  string(buf: Uint8Array, start: number, end: number, prefix = -1): void {
    let escapes = 0;
    for (let i = start; i < end; i++) escapes += ESCAPE[buf[i]!]!;
    const out = this.out;
    out.ensure(end - start + 5 * escapes + 3);
    const o = out.bytes;
    let at = out.length;
    o[at++] = 0x22;
    if (prefix >= 0) o[at++] = prefix;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (ESCAPE[b] === 0) {
        o[at++] = b;
        continue;
      }
      o[at++] = 0x5c;
      const short = SHORT[b];
      if (short !== undefined) o[at++] = short;
      else {
        o[at++] = 0x75; // \u00XX
        o[at++] = 0x30;
        o[at++] = 0x30;
        o[at++] = HEX.charCodeAt(b >> 4);
        o[at++] = HEX.charCodeAt(b & 15);
      }
    }
    o[at++] = 0x22;
    out.length = at;
  }

  /** The element's own text runs as one JSON string ("" when none). */
  private texts(t: RecordTree, n: number, simple: boolean): void {
    let c = t.firstChild[n]!;
    if (simple && (c === NONE || t.nextSibling[c] === NONE)) {
      if (c === NONE) return this.raw('""');
      return this.string(t.data, t.start[c]!, t.end[c]!);
    }
    const at = t.dataLength; // concatenate the runs at the end of the record's buffer, then quote them
    for (; c !== NONE; c = t.nextSibling[c]!) if (t.kind[c] === TEXT) t.appendData(t.data, t.start[c]!, t.end[c]!);
    this.string(t.data, at, t.dataLength);
    t.dataLength = at;
  }

  private raw(text: string): void {
    this.out.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.out.bytes[this.out.length++] = text.charCodeAt(i);
  }
}

/** xsi:nil="true" (or "1") as the only attribute, no child element, no text but white space. */
export function isNil(t: RecordTree, n: number): boolean {
  if (t.attrCount[n] !== 1 || t.hasElements[n] === 1) return false;
  const a = t.attrFirst[n]!;
  if (!equalBytes(t.data, t.attrNameStart[a]!, t.attrNameEnd[a]!, XSI_NIL)) return false;
  const vs = t.attrValueStart[a]!;
  const vl = t.attrValueEnd[a]! - vs;
  const d = t.data;
  const yes = (vl === 4 && d[vs] === 0x74 && d[vs + 1] === 0x72 && d[vs + 2] === 0x75 && d[vs + 3] === 0x65) || (vl === 1 && d[vs] === 0x31);
  return yes && !hasOwnText(t, n);
}

/** Whether the element's own text runs hold anything but white space. */
export function hasOwnText(t: RecordTree, n: number): boolean {
  for (let c = t.firstChild[n]!; c !== NONE; c = t.nextSibling[c]!) {
    if (t.kind[c] === TEXT && !isAllSpace(t.data, t.start[c]!, t.end[c]!)) return true;
  }
  return false;
}

/** Whether elements a and b have the same name. */
export function sameName(t: RecordTree, a: number, b: number): boolean {
  const as = t.start[a]!;
  const n = t.end[a]! - as;
  const bs = t.start[b]!;
  if (t.end[b]! - bs !== n) return false;
  for (let k = 0; k < n; k++) if (t.data[as + k] !== t.data[bs + k]) return false;
  return true;
}

/** Element c and its later siblings of the same name. */
function sameNamed(t: RecordTree, c: number): number[] {
  const same = [c];
  for (let s = t.nextSibling[c]!; s !== NONE; s = t.nextSibling[s]!) if (t.kind[s] === ELEMENT && sameName(t, c, s)) same.push(s);
  return same;
}

function countElements(t: RecordTree, n: number): number {
  let k = 0;
  for (let c = t.firstChild[n]!; c !== NONE; c = t.nextSibling[c]!) if (t.kind[c] === ELEMENT) k++;
  return k;
}

function groupByName(t: RecordTree, n: number): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let c = t.firstChild[n]!; c !== NONE; c = t.nextSibling[c]!) {
    if (t.kind[c] !== ELEMENT) continue;
    const key = nameKey(t, c);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [c]);
    else g.push(c);
  }
  return groups;
}

function nameKey(t: RecordTree, c: number): string {
  let s = "";
  for (let i = t.start[c]!; i < t.end[c]!; i++) s += String.fromCharCode(t.data[i]!);
  return s;
}

function equalBytes(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  if (end - start !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (buf[start + k] !== lit[k]) return false;
  return true;
}
