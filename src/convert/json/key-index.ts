/**
 * The keys a JSON reader has met, each with a small integer id in order of first appearance,
 * looked up by their UTF-8 bytes (decoded: escapes resolved), so finding a record's key costs no
 * string. The record parser first tries the key it predicts (the one that followed the previous
 * key last time, `equals`) and comes here only when that guess fails.
 *
 * Open addressing with linear probing over an Int32Array of id + 1 (0 = empty), FNV-1a hashes,
 * kept at most half full. Invariant: ids are dense (0..count-1) and never change.
 */

const utf8 = new TextDecoder();

export class KeyIndex {
  private bytes = new Uint8Array(1024);
  private bytesLength = 0;
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private hashes = new Int32Array(64);
  /** 1 when the key has no byte a JSON string must escape, so its source text is its bytes. */
  private plain = new Uint8Array(64);
  private table = new Int32Array(128);
  private readonly names: string[] = [];
  count = 0;

  /** The id of the key buf[start, end), or -1. */
  find(buf: Uint8Array, start: number, end: number): number {
    const mask = this.table.length - 1;
    for (let slot = hash(buf, start, end) & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]! - 1;
      if (id < 0) return -1;
      if (this.equals(id, buf, start, end)) return id;
    }
  }

  /** Adds the key buf[start, end) (not present: the caller looked) and returns its id. */
  add(buf: Uint8Array, start: number, end: number): number {
    const id = this.count++;
    const n = end - start;
    if (id === this.starts.length) this.growIds();
    if (this.bytesLength + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.bytesLength + n));
      grown.set(this.bytes.subarray(0, this.bytesLength));
      this.bytes = grown;
    }
    this.bytes.set(buf.subarray(start, end), this.bytesLength);
    this.starts[id] = this.bytesLength;
    this.lengths[id] = n;
    this.bytesLength += n;
    this.hashes[id] = hash(buf, start, end);
    let plain = 1;
    for (let i = start; i < end; i++) if (buf[i]! < 0x20 || buf[i] === 0x22 || buf[i] === 0x5c) plain = 0;
    this.plain[id] = plain;
    this.names.push(utf8.decode(buf.subarray(start, end)));
    if (2 * this.count > this.table.length) this.rehash(2 * this.table.length);
    else this.insert(id);
    return id;
  }

  /** Whether key `id` is the bytes buf[start, end). */
  equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const n = this.lengths[id]!;
    if (n !== end - start) return false;
    const bytes = this.bytes;
    const at = this.starts[id]! - start;
    for (let i = start; i < end; i++) if (bytes[at + i] !== buf[i]) return false;
    return true;
  }

  /**
   * Whether the source at buf[at..] is key `id` written without escapes and closed by its quote:
   * returns the quote's position, or -1 (then the caller scans the key and asks find()).
   */
  matchRaw(id: number, buf: Uint8Array, at: number): number {
    if (this.plain[id] !== 1) return -1;
    const n = this.lengths[id]!;
    const bytes = this.bytes;
    const from = this.starts[id]! - at;
    for (let i = at; i < at + n; i++) if (bytes[from + i] !== buf[i]) return -1;
    return buf[at + n] === 0x22 ? at + n : -1;
  }

  /** A copy of the key's UTF-8 bytes. */
  bytesOf(id: number): Uint8Array {
    const start = this.starts[id]!;
    return this.bytes.slice(start, start + this.lengths[id]!);
  }

  /** The key as a string. */
  name(id: number): string {
    return this.names[id]!;
  }

  private insert(id: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[id]! & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.count; id++) this.insert(id);
  }

  private growIds(): void {
    const n = 2 * this.starts.length;
    const grow = (a: Int32Array) => {
      const g = new Int32Array(n);
      g.set(a);
      return g;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
    const plain = new Uint8Array(n);
    plain.set(this.plain);
    this.plain = plain;
  }
}

function hash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h & 0x7fffffff;
}
