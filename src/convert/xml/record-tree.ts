/**
 * One record element, held as a small tree until its end tag: a record's columns are known only
 * then (is a child repeated? does it hold elements?). Flat typed arrays and one byte buffer, reused
 * from record to record, so building a record creates no object per node.
 *
 * Nodes are elements or text runs; node 0 is the record element. Element names, attribute names
 * and values, and text are copied into `data`. Adjacent text events of one element (text, CDATA,
 * text split only by comments or PIs) are merged into one text node, so an element without child
 * elements has at most one text child, kept exactly (`<a>  </a>` is two spaces). In an element
 * with child elements, a text run that is only white space is indentation and is not kept (every
 * other run is kept exactly, its own white space included). `xmlns` and `xmlns:*` attributes are
 * namespace declarations, not data: they are dropped here.
 *
 * Invariants: children are linked in document order (firstChild, nextSibling; -1 ends a list);
 * a node's attributes are attr[attrFirst, attrFirst + attrCount); data[0, dataLength) holds every
 * range the arrays point to until reset().
 */

import type { XmlAttributes } from "./xml-attributes.ts";
import { MAX_DEPTH } from "./element-stack.ts";
import { isAllSpace } from "./xml-chars.ts";

export const ELEMENT = 0;
export const TEXT = 1;
export const NONE = -1;

const SHRINK_BYTES = 8 * 1024 * 1024; // buffers grown past this by one big record are released after it
const SHRINK_NODES = 256 * 1024;

export class RecordTree {
  data = new Uint8Array(16 * 1024);
  dataLength = 0;
  nodeCount = 0;
  kind = new Uint8Array(256);
  /** Element: name range in data; text: the text's range. */
  start = new Int32Array(256);
  end = new Int32Array(256);
  firstChild = new Int32Array(256);
  nextSibling = new Int32Array(256);
  /** 1 when the element has at least one child element. */
  hasElements = new Uint8Array(256);
  attrFirst = new Int32Array(256);
  attrCount = new Int32Array(256);
  attrTotal = 0;
  attrNameStart = new Int32Array(64);
  attrNameEnd = new Int32Array(64);
  attrValueStart = new Int32Array(64);
  attrValueEnd = new Int32Array(64);
  /** Open elements from the record element down (openNode[0, open)), and the last child of each. */
  private readonly openNode = new Int32Array(MAX_DEPTH + 1);
  private readonly lastChild = new Int32Array(MAX_DEPTH + 1);
  private open = 0;

  reset(): void {
    this.dataLength = 0;
    this.nodeCount = 0;
    this.attrTotal = 0;
    this.open = 0;
    if (this.data.length > SHRINK_BYTES) this.data = new Uint8Array(16 * 1024);
    if (this.kind.length > SHRINK_NODES) this.allocateNodes(256);
  }

  /** Depth inside the record: 1 while only the record element is open. */
  get depth(): number {
    return this.open;
  }

  /** Starts an element (the record element when the tree is empty) as a child of the innermost open one. */
  openElement(buf: Uint8Array, nameStart: number, nameEnd: number, attrs: XmlAttributes): void {
    const d = this.open;
    if (d > 0 && this.hasElements[this.openNode[d - 1]!] === 0) this.dropIndentation(d - 1, this.openNode[d - 1]!);
    const n = this.newNode(ELEMENT);
    this.start[n] = this.dataLength;
    this.copy(buf, nameStart, nameEnd);
    this.end[n] = this.dataLength;
    this.attrFirst[n] = this.attrTotal;
    let count = 0;
    for (let k = 0; k < attrs.count; k++) {
      const ns = attrs.nameStart[k]!;
      const ne = attrs.nameEnd[k]!;
      if (isNamespaceDeclaration(attrs.bytes, ns, ne)) continue;
      const a = this.attrTotal++;
      if (a === this.attrNameStart.length) this.growAttrs();
      this.attrNameStart[a] = this.dataLength;
      this.copy(attrs.bytes, ns, ne);
      this.attrNameEnd[a] = this.attrValueStart[a] = this.dataLength;
      this.copy(attrs.bytes, attrs.valueStart[k]!, attrs.valueEnd[k]!);
      this.attrValueEnd[a] = this.dataLength;
      count++;
    }
    this.attrCount[n] = count;
    if (d > 0) {
      this.link(n);
      this.hasElements[this.openNode[d - 1]!] = 1;
    }
    this.openNode[d] = n;
    this.lastChild[d] = NONE;
    this.open = d + 1;
  }

  closeElement(): void {
    this.open--;
  }

  addText(buf: Uint8Array, start: number, end: number): void {
    const d = this.open - 1;
    // Between child elements, white space is indentation, not data (see the top comment).
    if (this.hasElements[this.openNode[d]!] === 1 && isAllSpace(buf, start, end)) return;
    const last = this.lastChild[d]!;
    if (last !== NONE && this.kind[last] === TEXT && this.end[last] === this.dataLength) {
      this.copy(buf, start, end);
      this.end[last] = this.dataLength;
      return;
    }
    const n = this.newNode(TEXT);
    this.start[n] = this.dataLength;
    this.copy(buf, start, end);
    this.end[n] = this.dataLength;
    this.link(n);
  }

  /** Appends bytes to data (for values assembled from several ranges); returns their start. */
  appendData(buf: Uint8Array, start: number, end: number): number {
    const at = this.dataLength;
    this.copy(buf, start, end);
    return at;
  }

  /**
   * The first child element of `parent` opens: a text run before it that is only white space was
   * indentation. It is the parent's only child (runs merge) and the last thing written, so it goes.
   */
  private dropIndentation(level: number, parent: number): void {
    const t = this.firstChild[parent]!;
    if (t === NONE || !isAllSpace(this.data, this.start[t]!, this.end[t]!)) return;
    this.firstChild[parent] = NONE;
    this.lastChild[level] = NONE;
    this.dataLength = this.start[t]!;
    this.nodeCount = t;
  }

  private link(n: number): void {
    const d = this.open - 1;
    const last = this.lastChild[d]!;
    if (last === NONE) this.firstChild[this.openNode[d]!] = n;
    else this.nextSibling[last] = n;
    this.lastChild[d] = n;
  }

  private newNode(kind: number): number {
    const n = this.nodeCount++;
    if (n === this.kind.length) this.allocateNodes(2 * n);
    this.kind[n] = kind;
    this.firstChild[n] = NONE;
    this.nextSibling[n] = NONE;
    this.hasElements[n] = 0;
    this.attrCount[n] = 0;
    return n;
  }

  private copy(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const at = this.dataLength;
    if (at + n > this.data.length) {
      const grown = new Uint8Array(Math.max(at + n, 2 * this.data.length));
      grown.set(this.data.subarray(0, at));
      this.data = grown;
    }
    const data = this.data;
    if (n < 32) for (let i = 0; i < n; i++) data[at + i] = buf[start + i]!;
    else data.set(buf.subarray(start, end), at);
    this.dataLength = at + n;
  }

  private allocateNodes(size: number): void {
    const keep = Math.min(this.nodeCount, size);
    const re8 = (a: Uint8Array) => {
      const b = new Uint8Array(size);
      b.set(a.subarray(0, keep));
      return b;
    };
    const re32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a.subarray(0, keep));
      return b;
    };
    this.kind = re8(this.kind);
    this.hasElements = re8(this.hasElements);
    this.start = re32(this.start);
    this.end = re32(this.end);
    this.firstChild = re32(this.firstChild);
    this.nextSibling = re32(this.nextSibling);
    this.attrFirst = re32(this.attrFirst);
    this.attrCount = re32(this.attrCount);
  }

  private growAttrs(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.attrNameStart = grow(this.attrNameStart);
    this.attrNameEnd = grow(this.attrNameEnd);
    this.attrValueStart = grow(this.attrValueStart);
    this.attrValueEnd = grow(this.attrValueEnd);
  }
}

/** `xmlns` or `xmlns:...`. */
function isNamespaceDeclaration(buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n < 5 || buf[start] !== 0x78 || buf[start + 1] !== 0x6d || buf[start + 2] !== 0x6c || buf[start + 3] !== 0x6e || buf[start + 4] !== 0x73) return false;
  return n === 5 || buf[start + 5] === 0x3a;
}
