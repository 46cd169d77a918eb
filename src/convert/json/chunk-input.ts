/**
 * The bytes the record stream parses, chunk by chunk: a UTF-8 byte order mark (EF BB BF) removed
 * from the very start whatever the chunking (the first bytes wait until three have come), bytes
 * held back from the previous chunk put in front, and each chunk copied into a buffer of ours with
 * a 0 byte after it: the sentinel the scanner relies on (json-scanner.ts). The copy is one memcpy
 * per chunk; the caller's buffer is never written to and may be reused by its owner.
 *
 * Invariants: after the first non-null result from next() the BOM is decided and chunks pass
 * through (after any held-back bytes); copy()'s buffer is valid until the next copy().
 */

import { LeadingBom } from "../leading-bom.ts";

export class ChunkInput {
  private readonly bom = new LeadingBom();
  private held: Uint8Array | null = null;
  private work: Uint8Array = new Uint8Array(0);

  /**
   * The bytes to parse next: held-back bytes and the chunk, without a leading BOM; null while
   * fewer than 3 bytes have come (`final`: no more will).
   */
  next(chunk: Uint8Array, final = false): Uint8Array | null {
    let data = this.bom.strip(chunk, final);
    if (data === null) return null;
    if (this.held !== null) {
      const joined = new Uint8Array(this.held.length + data.length);
      joined.set(this.held);
      joined.set(data, this.held.length);
      data = joined;
      this.held = null;
    }
    return data;
  }

  /** Whether bytes wait for the next chunk (the end of input: next(empty, true) gives them). */
  get pending(): boolean {
    return !this.bom.decided || this.held !== null;
  }

  /** Keeps data[from, to) to go in front of the next chunk. */
  hold(data: Uint8Array, from: number, to: number): void {
    this.held = data.slice(from, to);
  }

  /** `data` copied into our buffer, followed by the 0 sentinel. */
  copy(data: Uint8Array): Uint8Array {
    if (this.work.length <= data.length) this.work = new Uint8Array(data.length + 1);
    this.work.set(data);
    this.work[data.length] = 0;
    return this.work;
  }

  /** Lets the buffers go. */
  release(): void {
    this.work = new Uint8Array(0);
    this.held = null;
    this.bom.release();
  }
}
