/**
 * 7-Zip's listing as it streams out of the WASM run, turned into entries on the way (in the worker):
 * bytes → a 64 KiB staging buffer → UTF-8 text → lines → ListingParser.
 *
 * Why staged: 7-Zip writes its listing in tiny pieces, a field or less at a time (4.7 million
 * writes for a RAR of 100,000 entries). Keeping each piece, as the listing once did, took dsp to
 * 745 MiB and 4.8 s for that archive; copying them into one buffer and decoding 64 KiB at a time
 * costs one copy per byte and keeps no text beyond the current line.
 *
 * Invariants:
 *  - Lines reach the parser whole and in order, whatever the pieces: a line or a UTF-8 sequence cut
 *    between two pieces (or two flushes) is completed by the next one; "\r\n" ends a line like "\n".
 *  - Memory: the staging buffer, one partial line, and the parser's entries; `bytes` counts
 *    everything fed, for the caller's cap on a listing's size.
 */
import { ListingParser, type Listing } from "./listing.ts";

const STAGING_BYTES = 64 * 1024;
/** Pieces up to this size are copied in a loop rather than through a view. */
const SMALL_PIECE = 64;

export class ListingStream {
  /** Bytes fed so far. */
  bytes = 0;
  private readonly parser: ListingParser;
  private readonly staging = new Uint8Array(STAGING_BYTES);
  private staged = 0;
  private readonly decoder = new TextDecoder();
  private partial = "";

  constructor(archiveName: string) {
    this.parser = new ListingParser(archiveName);
  }

  /** Entries completed so far. */
  get entries(): number {
    return this.parser.entries.length;
  }

  /**
   * Takes `length` bytes of `source` at `offset` (default: all of it), copied: the caller may reuse
   * them. Pieces of a few bytes are copied byte by byte, which allocates nothing (a subarray per
   * piece would be an object per piece). May throw the parser's ArchiveError.
   */
  feed(source: Uint8Array | Int8Array, offset = 0, length = source.length - offset): void {
    this.bytes += length;
    let at = offset;
    const end = offset + length;
    while (at < end) {
      const n = Math.min(end - at, STAGING_BYTES - this.staged);
      if (n <= SMALL_PIECE) {
        const staging = this.staging;
        for (let i = 0; i < n; i++) staging[this.staged + i] = source[at + i]!; // Int8 → Uint8 wraps mod 256
      } else this.staging.set(source instanceof Uint8Array ? source.subarray(at, at + n) : new Uint8Array(source.buffer, source.byteOffset + at, n), this.staged);
      this.staged += n;
      at += n;
      if (this.staged === STAGING_BYTES) this.flush(false);
    }
  }

  /** The whole listing: what is staged, the last line, then the parser's result. */
  end(): Listing {
    this.flush(true);
    if (this.partial !== "") this.parser.line(stripCr(this.partial));
    this.partial = "";
    return this.parser.finish();
  }

  private flush(last: boolean): void {
    const text = this.partial + this.decoder.decode(this.staging.subarray(0, this.staged), { stream: !last });
    this.staged = 0;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      this.parser.line(stripCr(text.slice(start, nl)));
      start = nl + 1;
    }
    this.partial = text.slice(start);
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
