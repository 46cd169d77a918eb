/**
 * The open elements of the document, innermost last: their names (bytes, to check each end tag
 * against its start tag without a string) and the lines their start tags are on (for messages).
 *
 * Invariants: depth <= MAX_DEPTH (the scanner refuses deeper nesting before pushing); names of
 * open elements lie in bytes[start[d], start[d + 1]) for d < depth; each name is at most
 * MAX_NAME_BYTES, so the buffer is bounded too.
 */

export const MAX_DEPTH = 256;

export class ElementStack {
  depth = 0;
  private bytes = new Uint8Array(4096);
  private readonly start = new Int32Array(MAX_DEPTH + 1);
  private readonly lines = new Int32Array(MAX_DEPTH + 1);

  push(buf: Uint8Array, start: number, end: number, line: number): void {
    const d = this.depth;
    const at = this.start[d]!;
    const n = end - start;
    if (at + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(at + n, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
    }
    for (let p = 0; p < n; p++) this.bytes[at + p] = buf[start + p]!;
    this.start[d + 1] = at + n;
    this.lines[d] = line;
    this.depth = d + 1;
  }

  pop(): void {
    this.depth--;
  }

  /** Whether the innermost open element is named buf[start, end). */
  topIs(buf: Uint8Array, start: number, end: number): boolean {
    const d = this.depth - 1;
    const s = this.start[d]!;
    const n = this.start[d + 1]! - s;
    if (n !== end - start) return false;
    for (let p = 0; p < n; p++) if (this.bytes[s + p] !== buf[start + p]) return false;
    return true;
  }

  /** The innermost open element's name, for a message. */
  topName(): string {
    const d = this.depth - 1;
    return new TextDecoder().decode(this.bytes.subarray(this.start[d]!, this.start[d + 1]!));
  }

  /** The line of the innermost open element's start tag. */
  topLine(): number {
    return this.lines[this.depth - 1]!;
  }
}
