/**
 * Reads the first headers of a 7z or RAR archive ourselves, before 7-Zip runs, for what must be
 * decided from headers and never by trying: are the headers encrypted (7z -mhe=on, rar -hp), is a
 * 7z cut short, is a RAR one volume of a set.
 *
 * Why not leave it to 7-Zip: the WASM build cannot catch C++ exceptions, and a 7z whose headers it
 * cannot decrypt (or parse) ends 7-Zip with an uncaught CInArchiveException instead of its "Wrong
 * password?" message; and deciding encryption from whether decoding "works" is wrong (7-Zip once
 * turned an encrypted RAR5 entry into garbage with an empty password).
 *
 * What is read (a few hundred bytes, by positioned reads):
 *  - 7z: the 32-byte signature header (next-header offset, size); the next header must lie inside
 *    the file, else ARCHIVE_TRUNCATED. If it is an "encoded header" (0x17), the coders of its folder
 *    are listed: one with the 7zAES id (06 F1 07 01) means encrypted headers.
 *  - RAR5: the first block after the signature; type 4 (archive encryption header) means encrypted
 *    headers; a main header with the volume flag means a multi-volume set.
 *  - RAR4: the main header's flags: 0x0080 encrypted headers, 0x0001 volume; and the end-of-archive
 *    block (0x7B, CRC-checked) must end the file: 7-Zip accepts a RAR4 cut exactly between two
 *    blocks as a complete archive with fewer entries, so without it the archive is
 *    ARCHIVE_TRUNCATED, as tar's rule. RAR 1.5-2.x wrote no end block: an archive whose first file
 *    needs an unpack version below 2.9 is ARCHIVE_UNSUPPORTED instead (dsp refuses those rather than
 *    miss a cut; the RAR 4 in "RAR 4 and 5" is the 2.9 format of rar 3.x and 4.x).
 *  - A file shorter than its signature, and a prefix of it: ARCHIVE_TRUNCATED.
 * Anything this cannot parse is left for 7-Zip to judge (it reports it as damaged).
 */
import { crc32 } from "node:zlib";
import { ArchiveError } from "../archive-error.ts";
import { is7z, rarVersion } from "../magic.ts";

export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

export type ArchiveType = "7z" | "rar4" | "rar5";

export interface ProbeResult {
  type: ArchiveType;
  /** 7-Zip's `-t` switch for this type. */
  switchType: "7z" | "rar" | "rar5";
}

const AES_7Z = [0x06, 0xf1, 0x07, 0x01];
const SIG_7Z = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const SIG_RAR4 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
const SIG_RAR5 = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];
const ENCODED_HEADER = 0x17;
const MAX_PROBE = 64 * 1024;

export async function probeHeaders(readAt: ReadAt, size: number, format: "7z" | "rar", name: string): Promise<ProbeResult> {
  const head = await readAt(0, Math.min(size, 32));
  const signature = format === "7z" ? SIG_7Z : head[6] === 0x01 ? SIG_RAR5 : SIG_RAR4;
  if (head.length < signature.length && head.every((b, i) => b === signature[i])) {
    throw new ArchiveError("ARCHIVE_TRUNCATED", `${name} ends inside its ${format} signature (${head.length} bytes)`, { archive: name, offset: head.length });
  }
  if (format === "7z") {
    if (!is7z(head)) throw new ArchiveError("ARCHIVE_CORRUPT", `${name} does not start with a 7z signature`, { archive: name, offset: 0 });
    await probe7z(readAt, size, head, name);
    return { type: "7z", switchType: "7z" };
  }
  const version = rarVersion(head);
  if (version === null) throw new ArchiveError("ARCHIVE_CORRUPT", `${name} does not start with a RAR signature`, { archive: name, offset: 0 });
  if (version === 5) {
    await probeRar5(readAt, size, name);
    return { type: "rar5", switchType: "rar5" };
  }
  await probeRar4(readAt, size, name);
  return { type: "rar4", switchType: "rar" };
}

function u64(b: Uint8Array, at: number): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
}

function encrypted(name: string, how: string): ArchiveError {
  return new ArchiveError("ARCHIVE_ENCRYPTED", `${name} is encrypted (${how})`, { archive: name, reason: "encrypted", headers: true });
}

async function probe7z(readAt: ReadAt, size: number, head: Uint8Array, name: string): Promise<void> {
  if (head.length < 32) throw new ArchiveError("ARCHIVE_TRUNCATED", `${name} ends inside the 7z signature header`, { archive: name, offset: head.length });
  const nextOffset = u64(head, 12);
  const nextSize = u64(head, 20);
  const end = 32 + nextOffset + nextSize;
  if (end > size) {
    throw new ArchiveError("ARCHIVE_TRUNCATED", `${name} is cut short: its 7z header ends at byte ${end}, the file has ${size}`, {
      archive: name,
      offset: size,
      expected: end,
    });
  }
  if (nextSize === 0) return;
  const header = await readAt(32 + nextOffset, Math.min(nextSize, MAX_PROBE));
  if (header[0] !== ENCODED_HEADER) return;
  const coders = encodedHeaderCoders(header);
  if (coders?.some((id) => id.length === AES_7Z.length && id.every((b, i) => b === AES_7Z[i]))) {
    throw encrypted(name, "7z headers encrypted with 7zAES");
  }
}

/** Coder ids of the first folder of a 7z "encoded header", or undefined when it does not parse. */
export function encodedHeaderCoders(h: Uint8Array): number[][] | undefined {
  let p = 1;
  const byte = (): number => {
    if (p >= h.length) throw new RangeError("short");
    return h[p++]!;
  };
  // 7z NUMBER: the count of leading 1 bits of the first byte is the count of extra bytes.
  const num = (): number => {
    const first = byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += byte() * 2 ** (8 * i);
      mask >>= 1;
    }
    return value;
  };
  try {
    let id = byte();
    if (id === 0x06) {
      // PackInfo: pack position, stream count, optional sizes (0x09) and CRCs (0x0A), end (0x00).
      num();
      const streams = num();
      for (id = byte(); id !== 0x00; id = byte()) {
        if (id === 0x09) for (let i = 0; i < streams; i++) num();
        else if (id === 0x0a) {
          const all = byte();
          if (all === 0) return undefined; // a bit vector: never written for headers
          p += 4 * streams;
        } else return undefined;
      }
      id = byte();
    }
    if (id !== 0x07 || byte() !== 0x0b) return undefined; // UnpackInfo, Folder
    const folders = num();
    if (folders < 1 || byte() !== 0) return undefined; // not "external"
    const coders: number[][] = [];
    const count = num();
    if (count < 1 || count > 64) return undefined;
    for (let c = 0; c < count; c++) {
      const flags = byte();
      const idSize = flags & 0x0f;
      const coderId: number[] = [];
      for (let i = 0; i < idSize; i++) coderId.push(byte());
      if (flags & 0x10) {
        num();
        num();
      }
      if (flags & 0x20) {
        const propsSize = num(); // read before adding: `p += num()` would add to the old p
        p += propsSize;
      }
      coders.push(coderId);
    }
    return coders;
  } catch {
    return undefined;
  }
}

/** RAR5 vint at `at`: [value, bytes used], or undefined past the buffer. */
function vint(b: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < b.length; i++) {
    const x = b[at + i]!;
    value += (x & 0x7f) * 2 ** (7 * i);
    if ((x & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

async function probeRar5(readAt: ReadAt, size: number, name: string): Promise<void> {
  const b = await readAt(8, Math.min(Math.max(size - 8, 0), 64));
  // CRC32 (4), header size (vint), header type (vint), header flags (vint), [extra size], [data size], ...
  const hsize = vint(b, 4);
  if (!hsize) return;
  let at = 4 + hsize[1];
  const type = vint(b, at);
  if (!type) return;
  at += type[1];
  if (type[0] === 4) throw encrypted(name, "RAR5 headers encrypted");
  if (type[0] !== 1) return;
  const flags = vint(b, at);
  if (!flags) return;
  at += flags[1];
  if (flags[0] & 0x0001) {
    const extra = vint(b, at);
    if (!extra) return;
    at += extra[1];
  }
  const arcFlags = vint(b, at);
  if (arcFlags && arcFlags[0] & 0x0001) throw multiVolume(name);
}

async function probeRar4(readAt: ReadAt, size: number, name: string): Promise<void> {
  // Marker block (7 bytes), then MAIN_HEAD: HEAD_CRC (2), HEAD_TYPE 0x73, HEAD_FLAGS (2), HEAD_SIZE (2).
  const b = await readAt(7, Math.min(Math.max(size - 7, 0), 7));
  if (b.length < 5 || b[2] !== 0x73) return;
  const flags = b[3]! | (b[4]! << 8);
  if (flags & 0x0080) throw encrypted(name, "RAR4 headers encrypted");
  if (flags & 0x0001) throw multiVolume(name);
  if (!(await hasRar4End(readAt, size))) {
    const version = await firstFileUnpackVersion(readAt, size, 7 + (b[5]! | (b[6]! << 8)));
    if (version !== undefined && version < 29) {
      const v = `${Math.floor(version / 10)}.${version % 10}`;
      throw new ArchiveError("ARCHIVE_UNSUPPORTED", `${name} is from RAR ${v} (before 2.9), which writes no end-of-archive block: dsp cannot tell it from an archive cut short`, {
        archive: name,
        unpackVersion: v,
      });
    }
    throw new ArchiveError("ARCHIVE_TRUNCATED", `${name} has no RAR end-of-archive block: it is cut short`, { archive: name, offset: size });
  }
}

/**
 * The unpack version (UNP_VER: 15, 20, 26, 29...) of the block at `at` when it is a file header
 * (HEAD_TYPE 0x74; UNP_VER is its byte 24), else undefined.
 */
async function firstFileUnpackVersion(readAt: ReadAt, size: number, at: number): Promise<number | undefined> {
  if (at + 25 > size) return undefined;
  const h = await readAt(at, 25);
  return h.length === 25 && h[2] === 0x74 ? h[24] : undefined;
}

/** The file ends with a RAR4 end-of-archive block (HEAD_TYPE 0x7B) whose HEAD_CRC is right. */
async function hasRar4End(readAt: ReadAt, size: number): Promise<boolean> {
  const tailStart = Math.max(0, size - 64);
  const tail = await readAt(tailStart, size - tailStart);
  for (let p = tail.length - 7; p >= 0; p--) {
    if (tail[p + 2] !== 0x7b) continue;
    const blockSize = tail[p + 5]! | (tail[p + 6]! << 8);
    if (blockSize < 7 || p + blockSize !== tail.length) continue;
    const crc = tail[p]! | (tail[p + 1]! << 8);
    if ((crc32(tail.subarray(p + 2, p + blockSize)) & 0xffff) === crc) return true;
  }
  return false;
}

function multiVolume(name: string): ArchiveError {
  return new ArchiveError("ARCHIVE_UNSUPPORTED", `${name} is one volume of a multi-volume RAR set`, { archive: name });
}
