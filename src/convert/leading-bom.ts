/**
 * Removes a UTF-8 byte order mark (EF BB BF) from the very start of a byte stream, whatever the
 * chunking: the first bytes wait until three have come (or the input ended), then everything
 * passes through untouched. Shared by the CSV tokenizer and the JSON input; the XML tokenizer holds
 * its first bytes longer, to decide the encoding.
 *
 * Invariant: once `decided`, `strip` returns its chunk as it is.
 */

const BOM = [0xef, 0xbb, 0xbf] as const;

export class LeadingBom {
  private head: Uint8Array | null = null;
  decided = false;

  /** The chunk (after any held bytes) without a leading BOM, or null while fewer than 3 bytes have come (`final`: no more will). */
  strip(chunk: Uint8Array, final: boolean): Uint8Array | null {
    if (this.decided) return chunk;
    let data = chunk;
    if (this.head !== null) {
      data = new Uint8Array(this.head.length + chunk.length);
      data.set(this.head);
      data.set(chunk, this.head.length);
      this.head = null;
    }
    for (let p = 0; p < Math.min(3, data.length); p++) {
      if (data[p] !== BOM[p]) {
        this.decided = true;
        return data;
      }
    }
    if (data.length < 3 && !final) {
      this.head = data.slice();
      return null;
    }
    this.decided = true;
    return data.length >= 3 ? data.subarray(3) : data;
  }

  /** Lets the held bytes go. */
  release(): void {
    this.head = null;
  }
}
