/**
 * Finds where a record that a chunk cut in two ends, in the chunks that follow, without parsing
 * it: the carried record is then parsed once, whole, instead of once per chunk it spans (a 16 MiB
 * record over 64 KiB chunks would otherwise be scanned 256 times).
 *
 * Objects in an array or a whitespace-separated sequence: the end is where the bracket depth
 * returns to zero, counting `{ [` and `} ]` outside strings (a string ends at a `"` that no
 * backslash escapes). For valid JSON that is exactly the parser's end; for invalid JSON the end
 * found is never before the first invalid byte, so the parser still reports that byte.
 * JSON Lines: the record ends at the line's end (see record-stream.ts).
 *
 * Invariant: `find` continues from the state the previous call left, so a record can span any
 * number of chunks; reset() before each new record.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class RecordBoundary {
  private depth = 0;
  private inString = false;
  private escape = false;

  reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  /** The index just after the record's last byte in buf[from, end), or -1 if it goes on. */
  find(buf: Uint8Array, from: number, end: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    for (let i = from; i < end; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          this.reset();
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    return -1;
  }
}
