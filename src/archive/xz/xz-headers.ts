/**
 * The fixed structures of an .xz stream (the .xz file format, version 1.x): stream header and
 * footer, block header, and the variable-length integers they use. Parsers take complete byte
 * ranges (the caller reads them: 12 bytes, or the size the block header's first byte gives) and
 * never read outside them.
 *
 *   Stream header (12): magic FD '7' 'z' 'X' 'Z' 00 | flags 00 0c (c = check ID) | CRC32 of flags
 *   Block header ((b+1)*4, b = first byte, 1..255): size byte | flags (bits 0-1: filters - 1,
 *     bit 6: compressed size present, bit 7: uncompressed size present, others reserved) |
 *     [compressed size] [uncompressed size] | per filter: ID, size of properties, properties |
 *     zero padding | CRC32 of everything before it
 *   Stream footer (12): CRC32 of the next 6 bytes | backward size (index size / 4 - 1, LE32) |
 *     flags (same as the header's) | 'Y' 'Z'
 *   A block header's first byte 00 is instead the start of the index (xz-index.ts).
 *   Integers: 7 bits per byte, little-endian, high bit = more; at most 9 bytes, no trailing 00 byte.
 *
 * Damage (bad CRC32, bad magic, non-minimal integers) is ARCHIVE_CORRUPT; reserved bits or values
 * set in a structure whose CRC32 is right are ARCHIVE_UNSUPPORTED (a newer format version), as
 * `xz` reports them ("Unsupported options").
 */
import zlib from "node:zlib";
import { ArchiveError } from "../archive-error.ts";

export const STREAM_HEADER_SIZE = 12;
export const STREAM_FOOTER_SIZE = 12;
export const HEADER_MAGIC: readonly number[] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC_Y = 0x59;
const FOOTER_MAGIC_Z = 0x5a;
/** Largest integer the format allows is 2^63 - 1; dsp takes up to 2^53 (sizes beyond are damage). */
const VARINT_MAX_BYTES = 9;

export interface StreamFlags {
  /** The two flag bytes as one number (compared between header and footer). */
  flags: number;
  checkId: number;
}

export interface StreamFooter extends StreamFlags {
  /** Size of the index in bytes (the stored field is size / 4 - 1). */
  backwardSize: number;
}

export interface FilterSpec {
  id: number;
  props: Uint8Array;
}

export interface BlockHeader {
  /** Header size in bytes (4..1024). */
  size: number;
  compressedSize?: number;
  uncompressedSize?: number;
  filters: FilterSpec[];
}

const corrupt = (what: string, ctx?: Record<string, unknown>) => new ArchiveError("ARCHIVE_CORRUPT", `xz ${what}`, ctx);
const unsupported = (what: string, ctx?: Record<string, unknown>) => new ArchiveError("ARCHIVE_UNSUPPORTED", `xz ${what}`, ctx);

function le32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** True if `b` begins with (as much as it has of) the stream header magic. */
export function isMagicPrefix(b: Uint8Array): boolean {
  for (let i = 0; i < b.length && i < HEADER_MAGIC.length; i++) if (b[i] !== HEADER_MAGIC[i]) return false;
  return true;
}

function parseFlags(b: Uint8Array, at: number, where: string): StreamFlags {
  const hi = b[at]!;
  const lo = b[at + 1]!;
  if (hi !== 0 || (lo & 0xf0) !== 0) throw unsupported(`stream ${where} has reserved flag bits set (0x${((hi << 8) | lo).toString(16)})`);
  return { flags: (hi << 8) | lo, checkId: lo & 0x0f };
}

export function parseStreamHeader(b: Uint8Array): StreamFlags {
  if (!isMagicPrefix(b) || b.length < STREAM_HEADER_SIZE) throw corrupt("stream header magic not found: this is not xz data");
  if (zlib.crc32(b.subarray(6, 8)) >>> 0 !== le32(b, 8)) throw corrupt("stream header CRC32 does not match");
  return parseFlags(b, 6, "header");
}

export function parseStreamFooter(b: Uint8Array): StreamFooter {
  if (b[10] !== FOOTER_MAGIC_Y || b[11] !== FOOTER_MAGIC_Z) throw corrupt("stream footer magic 'YZ' not found");
  if (zlib.crc32(b.subarray(4, 10)) >>> 0 !== le32(b, 0)) throw corrupt("stream footer CRC32 does not match");
  const flags = parseFlags(b, 8, "footer");
  return { ...flags, backwardSize: (le32(b, 4) + 1) * 4 };
}

/** A read position inside a complete structure. */
export class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  /** One variable-length integer; ARCHIVE_CORRUPT if it is malformed or runs past `end`. */
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_MAX_BYTES; i++) {
      if (this.pos >= this.end) throw corrupt(`${what} runs past the end of its structure`);
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw corrupt(`${what} is not minimally encoded`);
        if (!Number.isSafeInteger(value)) throw corrupt(`${what} (${value}) is too large`);
        return value;
      }
      scale *= 128;
    }
    throw corrupt(`${what} is longer than 9 bytes`);
  }
}

/** Size of a block header from its first byte (non-zero; zero starts the index instead). */
export function blockHeaderSize(firstByte: number): number {
  return (firstByte + 1) * 4;
}

export function parseBlockHeader(b: Uint8Array): BlockHeader {
  const size = blockHeaderSize(b[0]!);
  if (b.length < size) throw corrupt("block header is truncated");
  if (zlib.crc32(b.subarray(0, size - 4)) >>> 0 !== le32(b, size - 4)) throw corrupt("block header CRC32 does not match");
  const flags = b[1]!;
  if ((flags & 0x3c) !== 0) throw unsupported(`block header has reserved flag bits set (0x${flags.toString(16)})`);
  const c = new Cursor(b, 2, size - 4);
  const header: BlockHeader = { size, filters: [] };
  if (flags & 0x40) {
    header.compressedSize = c.varint("block compressed size");
    if (header.compressedSize === 0) throw corrupt("block header declares a compressed size of 0");
  }
  if (flags & 0x80) header.uncompressedSize = c.varint("block uncompressed size");
  const count = (flags & 0x03) + 1;
  for (let i = 0; i < count; i++) {
    const id = c.varint("filter ID");
    const propsSize = c.varint("filter properties size");
    if (c.pos + propsSize > c.end) throw corrupt("filter properties run past the block header");
    header.filters.push({ id, props: b.slice(c.pos, c.pos + propsSize) });
    c.pos += propsSize;
  }
  for (let i = c.pos; i < size - 4; i++) {
    if (b[i] !== 0) throw unsupported("block header padding is not zero");
  }
  return header;
}
