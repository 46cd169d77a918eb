/**
 * What the TAR reader yields, and how an entry's fields are resolved from its header plus the
 * metadata headers that preceded it.
 *
 * Precedence, lowest to highest (as GNU tar, libarchive and Python's tarfile apply it):
 *   ustar/v7 header  <  PAX global ('g')  <  GNU long name/link ('L'/'K')  <  PAX entry ('x')
 * A PAX entry key with an empty value unsets the key for this entry (back to the header's value).
 *
 * Types and data: POSIX says hard links, symlinks, directories, devices and FIFOs have no data
 * records whatever their size field says, so their body is empty and their size is reported as 0
 * (Python's tarfile does the same; readers that skipped `size` bytes here would see different
 * entries than we do). Regular files, unknown types and GNU dump-directories ('D') carry data.
 */
import { ArchiveError } from "../archive-error.ts";
import { paxInteger, paxTime, type PaxKey } from "./pax.ts";
import { printable, type TarHeader } from "./tar-header.ts";

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "other";

export interface TarEntry {
  /** The entry's name as raw bytes, before any path rule (give it to safeEntryPath). */
  path: Uint8Array;
  /** The same name decoded leniently, for messages and logs only. */
  name: string;
  type: TarEntryType;
  /** Bytes of body (0 for types without data). */
  size: number;
  mode: number;
  /** Seconds since the epoch (fractional when a PAX header says so). */
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Target of a symlink or hard link, for the warning that skips it. */
  linkName?: string;
  devMajor?: number;
  devMinor?: number;
  /** The typeflag as written ("0", "5", "\0"...), for warnings about "other" entries. */
  typeflag: string;
  /** Header layout of the entry's own header; "pax" when PAX records applied to it. */
  format: "ustar" | "gnu" | "v7" | "pax";
  /** Offset of the entry's first header block (its extended headers included) in the tar stream. */
  offset: number;
  /** The data, as views into the source's chunks. Read it, or ignore it: the next entry skips it. */
  body: AsyncIterable<Uint8Array>;
}

/** What the metadata headers before an entry said. */
export interface PendingMeta {
  globals: Map<PaxKey, Uint8Array>;
  local: Map<PaxKey, Uint8Array | null> | null;
  longName: Uint8Array | null;
  longLink: Uint8Array | null;
}

export interface ResolvedFields {
  entry: Omit<TarEntry, "body" | "offset">;
  /** Bytes of data that follow the header (to read or skip), whatever `entry.size` says. */
  dataSize: number;
}

const utf8 = new TextDecoder("utf-8");

export function resolveEntry(h: TarHeader, meta: PendingMeta, headerOffset: number): ResolvedFields {
  const pick = (key: PaxKey, fromHeader: Uint8Array | null, long: Uint8Array | null): Uint8Array | null => {
    let value = meta.globals.get(key) ?? fromHeader;
    if (long !== null) value = long;
    const local = meta.local?.get(key);
    if (local === null) value = long ?? fromHeader;
    else if (local !== undefined) value = local;
    return value;
  };
  const path = pick("path", h.name, meta.longName)!;
  const name = printable(path);
  const number = (key: PaxKey, fromHeader: number, parse: (v: Uint8Array) => number | null): number => {
    const raw = pick(key, null, null);
    if (raw === null) return fromHeader;
    const value = parse(raw);
    if (value === null) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `pax header before byte ${headerOffset} has an invalid ${key} "${printable(raw)}"`, {
        offset: headerOffset,
        entry: name,
        field: key,
      });
    }
    return value;
  };
  const text = (key: PaxKey, fromHeader: string) => {
    const raw = pick(key, null, null);
    return raw === null ? fromHeader : utf8.decode(raw);
  };

  const declaredSize = number("size", h.size, paxInteger);
  const type = typeOf(h.typeflag, path);
  const hasData = type === "file" || type === "other" || h.typeflag === "D";
  const linkRaw = pick("linkpath", h.linkname, meta.longLink);
  const usedPax = meta.local !== null || meta.globals.size > 0;
  const entry: Omit<TarEntry, "body" | "offset"> = {
    path,
    name,
    type,
    size: type === "file" || type === "other" ? declaredSize : 0,
    mode: h.mode,
    mtime: number("mtime", h.mtime, paxTime),
    uid: number("uid", h.uid, paxInteger),
    gid: number("gid", h.gid, paxInteger),
    uname: text("uname", h.uname),
    gname: text("gname", h.gname),
    typeflag: h.typeflag,
    format: usedPax ? "pax" : h.magic,
  };
  if ((type === "symlink" || type === "hardlink") && linkRaw !== null) entry.linkName = printable(linkRaw);
  if (type === "char" || type === "block") {
    entry.devMajor = h.devMajor;
    entry.devMinor = h.devMinor;
  }
  return { entry, dataSize: hasData ? declaredSize : 0 };
}

function typeOf(typeflag: string, path: Uint8Array): TarEntryType {
  switch (typeflag) {
    case "\0":
      // Pre-POSIX convention: a "regular file" whose name ends in "/" is a directory.
      return path.at(-1) === 0x2f ? "directory" : "file";
    case "0":
    case "7": // contiguous file: a regular file everywhere that matters
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "3":
      return "char";
    case "4":
      return "block";
    case "5":
    case "D": // GNU dump-directory: a directory whose data lists its contents
      return "directory";
    case "6":
      return "fifo";
    default:
      return "other";
  }
}
