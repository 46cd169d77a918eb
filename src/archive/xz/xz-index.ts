/**
 * The index at the end of every .xz stream: one record (unpadded size, uncompressed size) per block,
 * checked against the blocks actually decoded.
 *
 *   00 (indicator) | number of records | records: unpadded size, uncompressed size (integers) |
 *   zero padding to a multiple of 4 | CRC32 of all of the above
 *
 * Unpadded size = block header + compressed data + check (without the block padding).
 *
 * Invariants:
 *  - Constant memory whatever the number of blocks: both sides are reduced to a count, two sums and
 *    a CRC32 over the records in order (the way liblzma compares them), so a million-block stream
 *    costs nothing extra, and a record out of order or wrong in any field does not match.
 *  - The index is parsed as it streams in (push() takes any slices); its total size is known at the
 *    end, for the footer's backward size.
 *  - Any mismatch (count, sizes, order, padding, CRC32, malformed integer) is ARCHIVE_CORRUPT.
 */
import zlib from "node:zlib";
import { ArchiveError } from "../archive-error.ts";

const scratch = new DataView(new ArrayBuffer(16));
const scratchBytes = new Uint8Array(scratch.buffer);

/** The blocks of one stream, reduced to what the index is compared with. */
export class BlockRecords {
  count = 0;
  unpaddedSum = 0;
  uncompressedSum = 0;
  hash = 0;

  add(unpadded: number, uncompressed: number): void {
    this.count++;
    this.unpaddedSum += unpadded;
    this.uncompressedSum += uncompressed;
    scratch.setFloat64(0, unpadded, true);
    scratch.setFloat64(8, uncompressed, true);
    this.hash = zlib.crc32(scratchBytes, this.hash);
  }

  sameAs(other: BlockRecords): boolean {
    return this.count === other.count && this.unpaddedSum === other.unpaddedSum && this.uncompressedSum === other.uncompressedSum && this.hash === other.hash;
  }
}

const COUNT = 0;
const UNPADDED = 1;
const UNCOMPRESSED = 2;
const PADDING = 3;
const CRC = 4;
const DONE = 5;

const corrupt = (what: string, ctx?: Record<string, unknown>) => new ArchiveError("ARCHIVE_CORRUPT", `xz index ${what}`, ctx);

export class IndexParser {
  /** Bytes of the index consumed so far (its whole size once `done`). */
  size = 1;
  private readonly expected: BlockRecords;
  private readonly seen = new BlockRecords();
  private phase = COUNT;
  private records = 0;
  private unpadded = 0;
  private crc: number;
  private storedCrc = 0;
  private crcBytes = 0;
  private value = 0;
  private scale = 1;
  private varintBytes = 0;

  /** Starts after the indicator byte (00), which the caller has consumed. */
  constructor(expected: BlockRecords) {
    this.expected = expected;
    this.crc = zlib.crc32(new Uint8Array(1));
  }

  get done(): boolean {
    return this.phase === DONE;
  }

  /** Consumes index bytes from buf[pos, end); returns the new position (stops at the index's end). */
  push(buf: Uint8Array, pos: number, end: number): number {
    const start = pos;
    while (pos < end && this.phase < CRC) {
      const byte = buf[pos++]!;
      if (this.phase === PADDING) {
        if (byte !== 0) throw corrupt("padding is not zero");
        if ((this.size + pos - start) % 4 === 0) this.phase = CRC;
        continue;
      }
      const v = this.varint(byte);
      if (v < 0) continue;
      if (this.phase === COUNT) {
        if (v !== this.expected.count) throw corrupt(`lists ${v} blocks, but the stream has ${this.expected.count}`, { records: v, blocks: this.expected.count });
        this.records = v;
        this.phase = v > 0 ? UNPADDED : PADDING;
      } else if (this.phase === UNPADDED) {
        if (v === 0) throw corrupt("has a record with an unpadded size of 0");
        this.unpadded = v;
        this.phase = UNCOMPRESSED;
      } else {
        this.seen.add(this.unpadded, v);
        this.phase = this.seen.count < this.records ? UNPADDED : PADDING;
      }
      if (this.phase === PADDING && (this.size + pos - start) % 4 === 0) this.phase = CRC;
    }
    this.crc = zlib.crc32(buf.subarray(start, pos), this.crc);
    this.size += pos - start;
    while (pos < end && this.phase === CRC) {
      this.storedCrc += buf[pos++]! * 2 ** (8 * this.crcBytes++);
      this.size++;
      if (this.crcBytes === 4) this.finish();
    }
    return pos;
  }

  /** Accumulates one byte of an integer; returns its value when complete, else -1. */
  private varint(byte: number): number {
    this.value += (byte & 0x7f) * this.scale;
    this.varintBytes++;
    if (byte & 0x80) {
      if (this.varintBytes >= 9) throw corrupt("has an integer longer than 9 bytes");
      this.scale *= 128;
      return -1;
    }
    if (byte === 0 && this.varintBytes > 1) throw corrupt("has an integer that is not minimally encoded");
    const v = this.value;
    this.value = 0;
    this.scale = 1;
    this.varintBytes = 0;
    if (!Number.isSafeInteger(v)) throw corrupt(`has an integer (${v}) that is too large`);
    return v;
  }

  private finish(): void {
    if (this.storedCrc !== this.crc >>> 0) throw corrupt("CRC32 does not match");
    if (!this.seen.sameAs(this.expected)) {
      throw corrupt("records do not match the blocks (unpadded or uncompressed sizes differ)", {
        indexUnpadded: this.seen.unpaddedSum,
        blocksUnpadded: this.expected.unpaddedSum,
        indexUncompressed: this.seen.uncompressedSum,
        blocksUncompressed: this.expected.uncompressedSum,
      });
    }
    this.phase = DONE;
  }
}
