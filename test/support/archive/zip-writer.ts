/**
 * A minimal ZIP writer for tests: builds whole archives in memory, honest ones (stored or deflated
 * entries, data descriptors in all four layouts, ZIP64 records, UTF-8 or CP437 names, Unix modes)
 * and crafted hostile ones (lying sizes and CRCs, local names that differ, flags, overlapping
 * entries, records that point anywhere). Every field the reader checks can be overridden.
 *
 * Invariant: with no overrides the result is a valid archive that `unzip -t` and Python's zipfile
 * accept (zip-writer.test.ts checks that), so a test that overrides one field tests that field.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";
import type { RandomAccessSource } from "../../../src/archive/zip/random-access-source.ts";
import { crcOfZeros } from "./zeros-deflate.ts";

export interface DescriptorSpec {
  signature?: boolean; // default true
  wide?: boolean; // 8-byte sizes; default: when the entry is ZIP64
  /** Values written in the descriptor instead of the true ones. */
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
}

export interface EntrySpec {
  name: string | Uint8Array;
  data?: Uint8Array | string;
  /** A stored entry of this many zero bytes that are never materialised (only with sparseZip). */
  storedZeros?: number;
  method?: number; // default 8 (deflate); 0 stores
  /** Bit 11; default: the name is a string with non-ASCII characters. */
  utf8?: boolean;
  descriptor?: boolean | DescriptorSpec;
  /** ZIP64 extra fields in both headers with saturated 32-bit sizes; default: when a size needs it. */
  zip64?: boolean;
  /** Compressed bytes to write instead of compressing `data` (then give crc32 and uncompressedSize). */
  compressed?: Uint8Array;
  // Declared values (both headers) instead of the true ones.
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  flags?: number; // OR'ed into the general purpose flags of both headers
  localFlags?: number; // replaces the local flags entirely
  localMethod?: number;
  localName?: string | Uint8Array;
  localCrc32?: number;
  centralExtra?: Uint8Array;
  localExtra?: Uint8Array;
  externalAttributes?: number;
  versionMadeBy?: number;
  dosDate?: number;
  dosTime?: number;
  /** The central record points here rather than at the local header written for it. */
  localHeaderOffset?: number;
  /** Write only the central record (it needs localHeaderOffset). */
  centralOnly?: boolean;
}

export interface ArchiveSpec {
  comment?: Uint8Array | string;
  /** Force the ZIP64 end records; default: more than 65,535 entries or an offset past 4 GiB. */
  zip64End?: boolean;
  /** Bytes appended after the end record. */
  trailing?: Uint8Array;
  /** Entry count written in the end record(s) instead of the true one. */
  entryCount?: number;
}

export interface EntryLayout {
  localHeaderOffset: number;
  dataOffset: number;
  dataEnd: number;
}

export interface BuiltZip {
  bytes: Uint8Array;
  entries: EntryLayout[];
  centralOffset: number;
  /** Offset of the EOCD record (the ZIP64 end record starts earlier when present). */
  eocdOffset: number;
}

const SAT32 = 0xffffffff;
const enc = new TextEncoder();
const bytesOf = (v: string | Uint8Array) => (typeof v === "string" ? enc.encode(v) : v);

/** Bytes, or a run of zeros kept as its length (sparseZip). */
type Part = Uint8Array | number;

class Out {
  parts: Part[] = [];
  length = 0;
  push(b: Part): void {
    this.parts.push(b);
    this.length += typeof b === "number" ? b : b.length;
  }
}

function u16(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff);
}
function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}
function cat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
export function extraField(id: number, data: Uint8Array): Uint8Array {
  return cat(u16(id), u16(data.length), data);
}

export function buildZip(specs: EntrySpec[], archive: ArchiveSpec = {}): Uint8Array {
  return buildZipDetailed(specs, archive).bytes;
}

export function buildZipDetailed(specs: EntrySpec[], archive: ArchiveSpec = {}): BuiltZip {
  const { out, ...layout } = build(specs, archive);
  if (out.parts.some((p) => typeof p === "number")) throw new Error("storedZeros entries need sparseZip");
  return { bytes: Buffer.concat(out.parts as Uint8Array[]), ...layout };
}

/** An archive whose zero runs are synthesised on read: entries and offsets past 4 GiB without 4 GiB. */
export function sparseZip(specs: EntrySpec[], archive: ArchiveSpec = {}): { source: RandomAccessSource } & Omit<BuiltZip, "bytes"> {
  const { out, ...layout } = build(specs, archive);
  const starts: number[] = [];
  let at = 0;
  for (const p of out.parts) {
    starts.push(at);
    at += typeof p === "number" ? p : p.length;
  }
  const size = at;
  const source: RandomAccessSource = {
    size,
    async read(position, length) {
      const end = Math.min(size, position + length);
      const buf = new Uint8Array(Math.max(0, end - position));
      let i = Math.max(0, starts.findLastIndex((s) => s <= position));
      for (; i < out.parts.length && starts[i]! < end; i++) {
        const part = out.parts[i]!;
        if (typeof part === "number") continue; // zeros: the buffer already is
        const from = Math.max(position, starts[i]!);
        const to = Math.min(end, starts[i]! + part.length);
        if (to > from) buf.set(part.subarray(from - starts[i]!, to - starts[i]!), from - position);
      }
      return buf;
    },
  };
  return { source, ...layout };
}

/**
 * The same archive written to `path` as a sparse file: zero runs are holes (seeked over, never
 * written), so a multi-GiB stored entry costs the disk only its headers. Returns the file's size.
 */
export function writeSparseZip(path: string, specs: EntrySpec[], archive: ArchiveSpec = {}): number {
  const { out } = build(specs, archive);
  const fd = openSync(path, "w");
  try {
    let at = 0;
    for (const part of out.parts) {
      if (typeof part !== "number") writeSync(fd, part, 0, part.length, at);
      at += typeof part === "number" ? part : part.length;
    }
    ftruncateSync(fd, at); // a trailing hole still counts in the size
    return at;
  } finally {
    closeSync(fd);
  }
}

function build(specs: EntrySpec[], archive: ArchiveSpec): Omit<BuiltZip, "bytes"> & { out: Out } {
  const out = new Out();
  const central: Uint8Array[] = [];
  const layouts: EntryLayout[] = [];

  for (const spec of specs) {
    const name = bytesOf(spec.name);
    const data = spec.data === undefined ? new Uint8Array(0) : bytesOf(spec.data);
    const zeros = spec.storedZeros;
    const method = zeros !== undefined ? 0 : (spec.method ?? 8);
    const compressed: Part = zeros ?? spec.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = spec.crc32 ?? (zeros !== undefined ? crcOfZeros(zeros) : crc32(data) >>> 0);
    const csize = spec.compressedSize ?? (typeof compressed === "number" ? compressed : compressed.length);
    const usize = spec.uncompressedSize ?? zeros ?? data.length;
    const zip64 = spec.zip64 ?? (csize >= SAT32 || usize >= SAT32);
    const utf8 = spec.utf8 ?? (typeof spec.name === "string" && /[^\x00-\x7f]/.test(spec.name));
    const descriptor = spec.descriptor === true ? {} : spec.descriptor === false ? undefined : spec.descriptor;
    const flags = (utf8 ? 0x800 : 0) | (descriptor ? 0x08 : 0) | (spec.flags ?? 0);
    const date = spec.dosDate ?? ((2024 - 1980) << 9) | (5 << 5) | 17;
    const time = spec.dosTime ?? (13 << 11) | (45 << 5) | 15;

    const offset = out.length;
    if (!spec.centralOnly) {
      const localName = spec.localName === undefined ? name : bytesOf(spec.localName);
      const localExtra = cat(zip64 ? extraField(1, cat(u64(descriptor ? 0 : usize), u64(descriptor ? 0 : csize))) : new Uint8Array(0), spec.localExtra ?? new Uint8Array(0));
      const hide = descriptor !== undefined; // sizes and CRC go in the descriptor
      out.push(
        cat(
          u32(0x04034b50),
          u16(zip64 ? 45 : 20),
          u16(spec.localFlags ?? flags),
          u16(spec.localMethod ?? method),
          u16(time),
          u16(date),
          u32(hide ? 0 : (spec.localCrc32 ?? crc)),
          u32(zip64 ? SAT32 : hide ? 0 : csize),
          u32(zip64 ? SAT32 : hide ? 0 : usize),
          u16(localName.length),
          u16(localExtra.length),
          localName,
          localExtra,
        ),
      );
      const dataOffset = out.length;
      out.push(compressed);
      layouts.push({ localHeaderOffset: offset, dataOffset, dataEnd: out.length });
      if (descriptor) {
        const wide = descriptor.wide ?? zip64;
        const size = (v: number) => (wide ? u64(v) : u32(v));
        out.push(
          cat(
            descriptor.signature === false ? new Uint8Array(0) : u32(0x08074b50),
            u32(descriptor.crc32 ?? crc),
            size(descriptor.compressedSize ?? csize),
            size(descriptor.uncompressedSize ?? usize),
          ),
        );
      }
    } else {
      layouts.push({ localHeaderOffset: -1, dataOffset: -1, dataEnd: -1 });
    }

    const lho = spec.localHeaderOffset ?? offset;
    const wideOffset = lho >= SAT32;
    const z64 = zip64 ? cat(u64(usize), u64(csize), wideOffset ? u64(lho) : new Uint8Array(0)) : wideOffset ? u64(lho) : undefined;
    const centralExtra = cat(z64 ? extraField(1, z64) : new Uint8Array(0), spec.centralExtra ?? new Uint8Array(0));
    central.push(
      cat(
        u32(0x02014b50),
        u16(spec.versionMadeBy ?? (3 << 8) | 45),
        u16(zip64 ? 45 : 20),
        u16(flags),
        u16(method),
        u16(time),
        u16(date),
        u32(crc),
        u32(zip64 ? SAT32 : csize),
        u32(zip64 ? SAT32 : usize),
        u16(name.length),
        u16(centralExtra.length),
        u16(0),
        u16(0),
        u16(0),
        u32(spec.externalAttributes ?? (0o100644 << 16) >>> 0),
        u32(wideOffset ? SAT32 : lho),
        name,
        centralExtra,
      ),
    );
  }

  const centralOffset = out.length;
  for (const c of central) out.push(c);
  const centralSize = out.length - centralOffset;
  const count = archive.entryCount ?? specs.length;
  const needs64 = archive.zip64End ?? (count > 0xffff || centralOffset >= SAT32 || centralSize >= SAT32);
  if (needs64) {
    const recordOffset = out.length;
    out.push(cat(u32(0x06064b50), u64(44), u16((3 << 8) | 45), u16(45), u32(0), u32(0), u64(count), u64(count), u64(centralSize), u64(centralOffset)));
    out.push(cat(u32(0x07064b50), u32(0), u64(recordOffset), u32(1)));
  }
  const eocdOffset = out.length;
  const comment = bytesOf(archive.comment ?? "");
  out.push(
    cat(
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(needs64 ? Math.min(count, 0xffff) : count),
      u16(needs64 ? Math.min(count, 0xffff) : count),
      u32(needs64 ? SAT32 : centralSize),
      u32(needs64 ? SAT32 : centralOffset),
      u16(comment.length),
      comment,
    ),
  );
  if (archive.trailing) out.push(archive.trailing);
  return { out, entries: layouts, centralOffset, eocdOffset };
}
