/**
 * The attributes of one start tag, as the scanner hands them to its sink: names and values
 * (decoded: references replaced, white space normalized) side by side in one reused byte buffer,
 * located by offset arrays. No string or object per attribute; valid only during the sink call.
 *
 * Invariant: attribute names of one tag are distinct (the scanner checks with hasName before add).
 */

const SET_THRESHOLD = 32; // past this many attributes, duplicates are found with a Set, not pairwise

export class XmlAttributes {
  count = 0;
  bytes = new Uint8Array(1024);
  nameStart = new Int32Array(16);
  nameEnd = new Int32Array(16);
  valueStart = new Int32Array(16);
  valueEnd = new Int32Array(16);
  /** Bytes used in `bytes`. */
  length = 0;
  private names: Set<string> | null = null;

  reset(): void {
    this.count = 0;
    this.length = 0;
    this.names = null;
  }

  /** Room for `n` more bytes at `length`; `bytes` may be replaced. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Whether an attribute named buf[start, end) is already in the list. */
  hasName(buf: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (this.count >= SET_THRESHOLD) {
      if (this.names === null) {
        this.names = new Set();
        for (let k = 0; k < this.count; k++) this.names.add(latin1Key(this.bytes, this.nameStart[k]!, this.nameEnd[k]!));
      }
      return this.names.has(latin1Key(buf, start, end));
    }
    for (let k = 0; k < this.count; k++) {
      const s = this.nameStart[k]!;
      if (this.nameEnd[k]! - s !== n) continue;
      let same = true;
      for (let p = 0; p < n; p++) {
        if (this.bytes[s + p] !== buf[start + p]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    return false;
  }

  /** Starts a new attribute named buf[start, end); its value is written next (`beginValue`, `endValue`). */
  addName(buf: Uint8Array, start: number, end: number): void {
    const k = this.count;
    if (k === this.nameStart.length) this.growSlots();
    this.ensure(end - start);
    this.bytes.set(buf.subarray(start, end), this.length);
    this.nameStart[k] = this.length;
    this.length += end - start;
    this.nameEnd[k] = this.length;
    this.names?.add(latin1Key(buf, start, end));
  }

  /** Ends the attribute whose value is bytes[valueStart, length). */
  endValue(valueStart: number): void {
    const k = this.count++;
    this.valueStart[k] = valueStart;
    this.valueEnd[k] = this.length;
  }

  private growSlots(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.nameStart = grow(this.nameStart);
    this.nameEnd = grow(this.nameEnd);
    this.valueStart = grow(this.valueStart);
    this.valueEnd = grow(this.valueEnd);
  }
}

/** A byte-exact string key (one char per byte): only compared, never shown. */
function latin1Key(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}
