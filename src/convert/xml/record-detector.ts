/**
 * Finds the record element from the sample: which element is one row of the table.
 *
 * The rule: among the elements that repeat as children of one parent element (the same name at
 * least twice under one parent instance), the shallowest wins; at equal depth, the one that
 * repeats most under a single parent; then the first seen. The record path is the chain of names
 * from the root to it (`/export/row`), and only elements at exactly that path are records.
 *
 *   <export><row/><row/></export>                          → /export/row
 *   <data><meta/><records><record/>...</records></data>    → /data/records/record
 *   <orders><order><item/><item/>...</order>...</orders>   → /orders/order (not item, though an
 *       order may hold more items than there are orders in the sample: shallowest first)
 *
 * No repetition at all (a file with one record): the root's first child element is the record if
 * it has attributes or child elements (`<export><row a="1"><x/></row></export>`); otherwise the
 * root itself is the single record (`<row><a>1</a><b>2</b></row>`).
 *
 * Counting is per parent instance, in the bytes of the sample only; elements deeper than the best
 * candidate so far cannot win and are not counted. Names are compared as written (prefix included).
 */

import { ByteKeyTable } from "./byte-key-table.ts";
import type { XmlAttributes } from "./xml-attributes.ts";
import type { XmlSink } from "./xml-scanner.ts";

export interface RecordPath {
  /** Element names from the root to the record element. */
  names: string[];
  /** The same names as UTF-8, for comparing tags without strings. */
  bytes: Uint8Array[];
  /** One line for the log: why this element. */
  reason: string;
}

const PATH_KEY = 2 ** 26; // path key = parent path id * PATH_KEY + name id (below 2^53)

export class RecordDetector implements XmlSink {
  private readonly names = new ByteKeyTable();
  private readonly pathIds = new Map<number, number>();
  private readonly pathParent: number[] = [];
  private readonly pathName: number[] = [];
  /** Per open element: its path id (-1 when too deep to matter) and its children's counts. */
  private readonly framePath: number[] = [];
  private readonly frameCounts: (Map<number, number> | null)[] = [];
  private best = -1;
  private bestCount = 0;
  private bestDepth = Number.POSITIVE_INFINITY;
  private root = -1;
  private firstChild = -1;
  private firstChildRich = false;

  open(buf: Uint8Array, nameStart: number, nameEnd: number, attrs: XmlAttributes): void {
    const depth = this.framePath.length;
    const name = this.names.intern(buf, nameStart, nameEnd);
    let path = -1;
    if (depth === 0) path = this.root = this.pathOf(-1, name);
    else {
      const parent = this.framePath[depth - 1]!;
      if (parent >= 0 && depth <= this.bestDepth) {
        path = this.pathOf(parent, name);
        let counts = this.frameCounts[depth - 1]!;
        if (counts === null) this.frameCounts[depth - 1] = counts = new Map();
        const n = (counts.get(name) ?? 0) + 1;
        counts.set(name, n);
        if (n >= 2) this.consider(path, n, depth);
      }
      if (depth === 1 && this.firstChild < 0) {
        this.firstChild = path;
        this.firstChildRich = attrs.count > 0;
      } else if (depth === 2 && parent === this.firstChild) this.firstChildRich = true;
    }
    this.framePath.push(path);
    this.frameCounts.push(null);
  }

  close(): void {
    this.framePath.pop();
    this.frameCounts.pop();
  }

  text(): void {}

  /** The record element, or null when the sample has no element at all. */
  result(): RecordPath | null {
    if (this.best >= 0) {
      const p = this.path(this.best);
      return { ...p, reason: `<${p.names.at(-1)}> repeats ${this.bestCount} times under <${p.names.at(-2)}>` };
    }
    if (this.root < 0) return null;
    if (this.firstChild >= 0 && this.firstChildRich) {
      const p = this.path(this.firstChild);
      return { ...p, reason: `no element repeats: the root's first child <${p.names.at(-1)}> is the only record` };
    }
    const p = this.path(this.root);
    return { ...p, reason: `no element repeats: the root element <${p.names[0]}> is the only record` };
  }

  private consider(path: number, count: number, depth: number): void {
    if (depth < this.bestDepth || (depth === this.bestDepth && count > this.bestCount)) {
      this.best = path;
      this.bestCount = count;
      this.bestDepth = depth;
    }
  }

  private pathOf(parent: number, name: number): number {
    const key = (parent + 1) * PATH_KEY + name;
    let id = this.pathIds.get(key);
    if (id === undefined) {
      id = this.pathParent.length;
      this.pathIds.set(key, id);
      this.pathParent.push(parent);
      this.pathName.push(name);
    }
    return id;
  }

  private path(id: number): { names: string[]; bytes: Uint8Array[] } {
    const ids: number[] = [];
    for (let p = id; p >= 0; p = this.pathParent[p]!) ids.unshift(this.pathName[p]!);
    return { names: ids.map((n) => this.names.names[n]!), bytes: ids.map((n) => this.names.bytesOf(n).slice()) };
  }
}
