/**
 * One finished record (record-tree.ts) → one value slot per column that the record has, ready for
 * the sample's inference (sample-types.ts) or the column builders (column-writer.ts):
 *
 *   attribute of the record element      TEXT   its value (`a=""` is the empty string)
 *   child element, once, text only       TEXT   its text (`<a></a>` and `<a/>`: the empty string)
 *   child element, once, xsi:nil         NIL    null (see json-render.ts)
 *   child element, once, with attributes NODE   JSON of the element
 *     or child elements
 *   child element name repeated          GROUP  JSON array of every occurrence, in order
 *   the record's own text, if not only   TEXT   the text runs directly inside the record,
 *     white space                               concatenated, each exactly as written (runs of
 *                                               only white space between child elements are
 *                                               indentation: record-tree.ts drops them)
 *
 * A column the record does not have is absent (null). Slots are valid until the next map(); the
 * stamp per column says which columns the current record filled, so nothing is cleared per record.
 */

import { hasOwnText, isNil } from "./json-render.ts";
import { ELEMENT, NONE, type RecordTree } from "./record-tree.ts";
import type { XmlColumns } from "./xml-columns.ts";

export const SLOT_TEXT = 0;
export const SLOT_NIL = 1;
export const SLOT_NODE = 2;
export const SLOT_GROUP = 3;

export class RecordMapping {
  /** The record number that last filled each column; `record` is the current one. */
  stamp = new Int32Array(64);
  record = 0;
  slot = new Uint8Array(64);
  /** TEXT: the value's range in tree.data. NODE, GROUP: the (first) element; GROUP: how many. */
  start = new Int32Array(64);
  end = new Int32Array(64);
  node = new Int32Array(64);
  count = new Int32Array(64);
  /** The columns the current record fills, in the order it fills them: filled[0, filledCount). */
  filled = new Int32Array(64);
  filledCount = 0;

  map(t: RecordTree, columns: XmlColumns): void {
    const r = ++this.record;
    this.filledCount = 0;
    for (let a = t.attrFirst[0]!, k = 0; k < t.attrCount[0]!; a++, k++) {
      const c = this.column(columns.attribute(t.data, t.attrNameStart[a]!, t.attrNameEnd[a]!));
      this.fill(c, r);
      this.slot[c] = SLOT_TEXT;
      this.start[c] = t.attrValueStart[a]!;
      this.end[c] = t.attrValueEnd[a]!;
    }
    let texts = 0;
    let lastText = NONE;
    for (let n = t.firstChild[0]!; n !== NONE; n = t.nextSibling[n]!) {
      if (t.kind[n] !== ELEMENT) {
        texts++;
        lastText = n;
        continue;
      }
      const c = this.column(columns.element(t.data, t.start[n]!, t.end[n]!));
      if (this.stamp[c] === r) {
        this.slot[c] = SLOT_GROUP;
        this.count[c]!++;
        continue;
      }
      this.fill(c, r);
      this.node[c] = n;
      this.count[c] = 1;
      if (t.attrCount[n] === 0 && t.hasElements[n] === 0) {
        const text = t.firstChild[n]!;
        this.slot[c] = SLOT_TEXT;
        // Text only: one merged text node at most (record-tree.ts); none is the empty string.
        this.start[c] = text === NONE ? 0 : t.start[text]!;
        this.end[c] = text === NONE ? 0 : t.end[text]!;
      } else this.slot[c] = isNil(t, n) ? SLOT_NIL : SLOT_NODE;
    }
    if (texts > 0 && hasOwnText(t, 0)) {
      const c = this.column(columns.text());
      this.fill(c, r);
      this.slot[c] = SLOT_TEXT;
      if (texts === 1) {
        this.start[c] = t.start[lastText]!;
        this.end[c] = t.end[lastText]!;
      } else {
        const at = t.dataLength;
        for (let n = t.firstChild[0]!; n !== NONE; n = t.nextSibling[n]!) if (t.kind[n] !== ELEMENT) t.appendData(t.data, t.start[n]!, t.end[n]!);
        this.start[c] = at;
        this.end[c] = t.dataLength;
      }
    }
  }

  /** Whether column c has a value slot in the current record. */
  has(c: number): boolean {
    return this.stamp[c] === this.record;
  }

  private fill(c: number, record: number): void {
    this.stamp[c] = record;
    this.filled[this.filledCount++] = c;
  }

  /** Makes room for column index c. */
  private column(c: number): number {
    if (c >= this.stamp.length) {
      const size = Math.max(c + 1, 2 * this.stamp.length);
      const re = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      this.stamp = re(this.stamp, (n) => new Int32Array(n));
      this.slot = re(this.slot, (n) => new Uint8Array(n));
      this.start = re(this.start, (n) => new Int32Array(n));
      this.end = re(this.end, (n) => new Int32Array(n));
      this.node = re(this.node, (n) => new Int32Array(n));
      this.count = re(this.count, (n) => new Int32Array(n));
      this.filled = re(this.filled, (n) => new Int32Array(n));
    }
    return c;
  }
}
