/**
 * Interns byte strings (element and attribute names) to dense ids 0, 1, 2... so the per-record
 * work looks a name up by its bytes without making a string: FNV-1a over the bytes, open
 * addressing, then a byte comparison. The name's string (UTF-8 decoded) is made once, when the
 * name is first added.
 *
 * Invariants: ids are assigned in insertion order and never change; the table is at most half
 * full, so a probe always ends at an empty slot.
 */

const decoder = new TextDecoder();

export class ByteKeyTable {
  private keys: Uint8Array = new Uint8Array(1024);
  private keysLength = 0;
  private starts: Int32Array = new Int32Array(16);
  private ends: Int32Array = new Int32Array(16);
  private hashes: Int32Array = new Int32Array(16);
  /** id + 1 per slot, 0 = empty. */
  private slots = new Int32Array(64);
  /** The decoded name of each id. */
  readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  /** The id of buf[start, end), or -1. */
  find(buf: Uint8Array, start: number, end: number): number {
    const h = hash(buf, start, end);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h && this.equals(id, buf, start, end)) return id;
    }
  }

  /** The id of buf[start, end), added if new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const id = this.find(buf, start, end);
    return id >= 0 ? id : this.add(buf, start, end);
  }

  /** Adds buf[start, end), which must not be in the table; returns its id. */
  add(buf: Uint8Array, start: number, end: number): number {
    const id = this.names.length;
    const n = end - start;
    if (this.keysLength + n > this.keys.length) this.keys = grow8(this.keys, this.keysLength + n);
    this.keys.set(buf.subarray(start, end), this.keysLength);
    if (id === this.starts.length) {
      this.starts = grow32(this.starts);
      this.ends = grow32(this.ends);
      this.hashes = grow32(this.hashes);
    }
    this.starts[id] = this.keysLength;
    this.keysLength += n;
    this.ends[id] = this.keysLength;
    this.hashes[id] = hash(buf, start, end);
    this.names.push(decoder.decode(buf.subarray(start, end)));
    if (2 * (id + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  /** The bytes of an id (a view, valid until the next add). */
  bytesOf(id: number): Uint8Array {
    return this.keys.subarray(this.starts[id]!, this.ends[id]!);
  }

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = this.starts[id]!;
    const n = end - start;
    if (this.ends[id]! - s !== n) return false;
    const keys = this.keys;
    for (let k = 0; k < n; k++) if (keys[s + k] !== buf[start + k]) return false;
    return true;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[id]! & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let id = 0; id < this.names.length; id++) this.place(id);
  }
}

function hash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h & 0x7fffffff;
}

function grow8(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function grow32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
