/**
 * Parses one central directory file header (APPNOTE 4.3.12) into a ZipEntry: fixed fields, ZIP64
 * values, the name (entry-name.ts), encryption kind, entry kind and modification time.
 *
 * Invariants: the caller hands a view holding the whole record (46 bytes plus the three variable
 * fields) whose signature it checked; every failure names the entry (when it could be decoded) and
 * the record's offset; nothing here reads the source, and the entry keeps no reference to the view
 * (the caller's window is overwritten by the next records).
 */
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { decodeEntryName } from "./entry-name.ts";
import { parseExtraFields, resolveZip64 } from "./extra-fields.ts";
import { u16, u32 } from "./little-endian.ts";
import type { EncryptionKind, EntryKind, ZipEntry } from "./zip-entry.ts";
import {
  CENTRAL_HEADER_SIZE,
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_STRONG_ENCRYPTION,
  FLAG_UTF8,
  METHOD_AES,
} from "./zip-format.ts";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;

/** The variable-length part of a record: 46 + name + extra + comment bytes. */
export function centralRecordLength(rec: Uint8Array, at: number): number {
  return CENTRAL_HEADER_SIZE + u16(rec, at + 28) + u16(rec, at + 30) + u16(rec, at + 32);
}

export function parseCentralRecord(rec: Uint8Array, index: number, offset: number, archive?: string): ZipEntry {
  const base: ArchiveErrorContext = archive === undefined ? { offset } : { archive, offset };
  const flags = u16(rec, 8);
  const method = u16(rec, 10);
  const nameLength = u16(rec, 28);
  const extraLength = u16(rec, 30);
  const rawName = rec.slice(CENTRAL_HEADER_SIZE, CENTRAL_HEADER_SIZE + nameLength);
  const extra = parseExtraFields(rec.subarray(CENTRAL_HEADER_SIZE + nameLength, CENTRAL_HEADER_SIZE + nameLength + extraLength), base);
  const decoded = decodeEntryName(rawName, (flags & FLAG_UTF8) !== 0, extra.unicodePath, base);
  const ctx = { ...base, entry: decoded.name };
  const sizes = resolveZip64(
    { compressedSize: u32(rec, 20), uncompressedSize: u32(rec, 24), localHeaderOffset: u32(rec, 42) },
    u16(rec, 34),
    extra.zip64,
    ctx,
  );
  if (u16(rec, 34) !== 0 && u16(rec, 34) !== 0xffff) {
    throw new ArchiveError("ARCHIVE_UNSUPPORTED", "split (multi-disk) archives are not supported", ctx);
  }

  const encryption = encryptionOf(flags, method, extra.aes === true, extra.strongEncryption === true);
  const externalAttributes = u32(rec, 38);
  const mode = externalAttributes >>> 16;
  const kind = kindOf(decoded.name, mode, externalAttributes);
  const entry: ZipEntry = {
    index,
    name: decoded.name,
    rawName,
    nameEncoding: decoded.encoding,
    compressedSize: sizes.compressedSize,
    uncompressedSize: sizes.uncompressedSize,
    crc32: u32(rec, 16),
    method,
    encrypted: encryption !== undefined,
    ...(encryption === undefined ? {} : { encryption }),
    kind,
    isDirectory: kind === "directory",
    isSymlink: kind === "symlink",
    ...(mode === 0 ? {} : { unixMode: mode }),
    mtime: extra.unixMtime !== undefined ? new Date(extra.unixMtime * 1000) : dosTime(u16(rec, 14), u16(rec, 12)),
    localHeaderOffset: sizes.localHeaderOffset,
    flags,
    hasDataDescriptor: (flags & FLAG_DATA_DESCRIPTOR) !== 0,
    zip64: extra.zip64 !== undefined,
    versionMadeBy: u16(rec, 4),
    externalAttributes,
  };
  return entry;
}

/**
 * Encryption from the headers alone (never by trying to extract): AES is method 99 or its 0x9901
 * field, even without bit 0, since either means the data is ciphertext; strong encryption is bit 6
 * or its 0x0017 field under bit 0; bit 0 alone is the traditional PKWARE cipher.
 */
function encryptionOf(flags: number, method: number, aes: boolean, strong: boolean): EncryptionKind | undefined {
  if (method === METHOD_AES || aes) return "aes";
  if ((flags & FLAG_ENCRYPTED) === 0) return undefined;
  if ((flags & FLAG_STRONG_ENCRYPTION) !== 0 || strong) return "strong";
  return "traditional";
}

/**
 * The Unix mode is read whatever the host byte says: Python's zipfile on Windows stores a Unix mode
 * under host 0 (MS-DOS). A trailing slash (or backslash, which old Windows tools write) or a
 * directory mode makes a directory; the MS-DOS directory attribute only counts when no Unix mode
 * says otherwise.
 */
function kindOf(name: string, mode: number, externalAttributes: number): EntryKind {
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return "symlink";
  if (type === S_IFDIR || name.endsWith("/") || name.endsWith("\\")) return "directory";
  if (type !== 0 && type !== S_IFREG) return "other"; // device, FIFO, socket
  if (type === 0 && (externalAttributes & DOS_DIRECTORY) !== 0) return "directory";
  return "file";
}

/** MS-DOS date and time (2-second resolution), read as UTC so the result does not depend on the host. */
function dosTime(date: number, time: number): Date {
  return new Date(
    Date.UTC(1980 + (date >>> 9), ((date >>> 5) & 0xf) - 1, date & 0x1f, time >>> 11, (time >>> 5) & 0x3f, (time & 0x1f) * 2),
  );
}
