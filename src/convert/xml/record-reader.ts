/**
 * The tokenizer's sink while converting: follows the element path to the record element
 * (record-detector.ts), builds each record as a tree (record-tree.ts) and hands every finished
 * record to `onRecord`. Everything outside the records (wrappers, other sections, white space) is
 * skipped; the tokenizer has already checked that it is well-formed.
 *
 * Matching without strings: `matched` is how many leading names of the path the open elements
 * match; an element at depth d is compared (bytes) only when the d names above it matched.
 *
 * Bounded memory: a record may span at most maxRecordBytes of the file (from its start tag to
 * its end tag); its tree is released after onRecord returns.
 */

import { RecordTree } from "./record-tree.ts";
import type { XmlAttributes } from "./xml-attributes.ts";
import { XmlError } from "./xml-error.ts";
import type { XmlSink } from "./xml-scanner.ts";

export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export type RecordHandler = (tree: RecordTree, line: number) => void;

export class RecordReader implements XmlSink {
  readonly tree = new RecordTree();
  /** Records finished so far. */
  records = 0;
  private depth = 0;
  private matched = 0;
  private inRecord = false;
  private recordOffset = 0;
  private recordLine = 0;

  constructor(
    private readonly path: readonly Uint8Array[],
    private readonly onRecord: RecordHandler,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {}

  open(buf: Uint8Array, nameStart: number, nameEnd: number, attrs: XmlAttributes, line: number, offset: number): void {
    const d = this.depth++;
    if (this.inRecord) {
      if (offset - this.recordOffset > this.maxRecordBytes) this.tooLarge();
      this.tree.openElement(buf, nameStart, nameEnd, attrs);
      return;
    }
    if (d !== this.matched || d >= this.path.length || !equals(this.path[d]!, buf, nameStart, nameEnd)) return;
    this.matched = d + 1;
    if (this.matched < this.path.length) return;
    this.inRecord = true;
    this.recordOffset = offset;
    this.recordLine = line;
    this.tree.reset();
    this.tree.openElement(buf, nameStart, nameEnd, attrs);
  }

  close(offset: number): void {
    const d = --this.depth;
    if (this.matched > d) this.matched = d;
    if (!this.inRecord) return;
    if (offset - this.recordOffset > this.maxRecordBytes) this.tooLarge();
    if (d > this.path.length - 1) {
      this.tree.closeElement();
      return;
    }
    this.inRecord = false;
    this.tree.closeElement();
    this.records++;
    this.onRecord(this.tree, this.recordLine);
    this.tree.reset();
  }

  text(buf: Uint8Array, start: number, end: number): void {
    if (!this.inRecord) return;
    this.tree.addText(buf, start, end);
    if (this.tree.dataLength > this.maxRecordBytes) this.tooLarge();
  }

  private tooLarge(): never {
    const name = new TextDecoder().decode(this.path.at(-1));
    throw new XmlError("XML_RECORD_TOO_LARGE", `the record <${name}> is larger than ${this.maxRecordBytes} bytes; it starts`, this.recordLine);
  }
}

function equals(name: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  const n = name.length;
  if (end - start !== n) return false;
  for (let k = 0; k < n; k++) if (name[k] !== buf[start + k]) return false;
  return true;
}
