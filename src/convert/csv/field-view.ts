/**
 * The tokenizer's view of one row: each field is a byte range [start[i], end[i]) of `buf` plus a
 * quoted flag, so the consumer parses numbers straight from bytes and creates a string only when
 * it needs one. One FieldView is reused for every row: it is valid only during the callback that
 * received it (the buffer is the caller's chunk, the carry-over or the scratch, all reused).
 *
 * Invariants while a row is delivered:
 *   - `buf[start[i], end[i])` is the field's content, quotes removed and doubled quotes already
 *     collapsed (a row with a doubled quote is copied, unescaped, into a scratch buffer and `buf`
 *     points there for that row), and it is valid UTF-8;
 *   - `quoted[i]` is 1 when the field was quoted, else 0. An unquoted empty field is NULL; a quoted
 *     empty field ("") is the empty string;
 *   - the arrays may be longer than `count`: entries past `count` are stale.
 */

// ignoreBOM: a field starting with U+FEFF keeps it (only the file's BOM is dropped, by the tokenizer).
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const EMPTY = new Uint8Array(0);

export class FieldView {
  /** Number of fields in the row. */
  count = 0;
  /** 1-based line where the row starts (also passed to the sink). */
  line = 0;
  buf: Uint8Array = EMPTY;
  start: Int32Array;
  end: Int32Array;
  quoted: Uint8Array;

  constructor(capacity = 64) {
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.quoted = new Uint8Array(capacity);
  }

  /** True for an unquoted empty field: a missing value. */
  isNull(i: number): boolean {
    return this.quoted[i] === 0 && this.start[i] === this.end[i];
  }

  /** Length of field i in bytes. */
  byteLength(i: number): number {
    return this.end[i]! - this.start[i]!;
  }

  /** Field i as a string ("" for NULL). Allocates: not for the per-field hot path. */
  text(i: number): string {
    const s = this.start[i]!;
    const e = this.end[i]!;
    return s === e ? "" : decoder.decode(this.buf.subarray(s, e));
  }

  /** Field i's bytes, a view into `buf` (valid during the callback only). */
  bytes(i: number): Uint8Array {
    return this.buf.subarray(this.start[i]!, this.end[i]!);
  }

  /** All fields as strings, NULL as "". For tests, sniffing and header detection. */
  texts(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.text(i);
    return out;
  }

  /** Tokenizer-internal: grows the field arrays to `capacity` fields, keeping the first `used` entries. */
  grow(capacity: number, used: number): void {
    const start = new Int32Array(capacity);
    const end = new Int32Array(capacity);
    const quoted = new Uint8Array(capacity);
    start.set(this.start.subarray(0, used));
    end.set(this.end.subarray(0, used));
    quoted.set(this.quoted.subarray(0, used));
    this.start = start;
    this.end = end;
    this.quoted = quoted;
  }
}
