/**
 * What the reader tells about one entry, from its central directory record. The central directory
 * is the authority: the local header is checked against it when the entry is opened, and the bytes
 * produced are checked against its CRC-32 and sizes.
 *
 * Invariant: an entry object comes from one ZipReader and is only valid for that reader's `open`
 * (it carries its index, which `open` uses to find the checked layout).
 */
import type { NameEncoding } from "./entry-name.ts";

export type EntryKind = "file" | "directory" | "symlink" | "other";
export type EncryptionKind = "traditional" | "aes" | "strong";

export interface ZipEntry {
  /** Position in the central directory (0-based): entries are yielded in this order. */
  readonly index: number;
  /** Decoded name (see entry-name.ts); not normalised: path rules belong to the caller. */
  readonly name: string;
  /** The name bytes as stored in the central directory header. */
  readonly rawName: Uint8Array;
  readonly nameEncoding: NameEncoding;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Declared CRC-32, unsigned. */
  readonly crc32: number;
  /** Compression method as stored (0 stored, 8 deflate; 99 for AES whatever the inner method). */
  readonly method: number;
  readonly encrypted: boolean;
  readonly encryption?: EncryptionKind;
  readonly kind: EntryKind;
  readonly isDirectory: boolean;
  /** From the Unix mode in the external attributes (S_IFLNK): never followed, the caller skips it. */
  readonly isSymlink: boolean;
  /** The Unix mode (type and permission bits) when the external attributes carry one. */
  readonly unixMode?: number;
  /** Extended timestamp when present, else the MS-DOS date and time read as UTC (ZIP has no zone). */
  readonly mtime: Date;
  readonly localHeaderOffset: number;
  /** General purpose bit flags. */
  readonly flags: number;
  /** Bit 3: CRC and sizes follow the data in a descriptor (checked when the entry is read). */
  readonly hasDataDescriptor: boolean;
  /** The record has a ZIP64 extra field. */
  readonly zip64: boolean;
  /** Upper byte: host system (0 MS-DOS, 3 Unix, 10 NTFS, 19 OS X); lower: specification version. */
  readonly versionMadeBy: number;
  readonly externalAttributes: number;
}
