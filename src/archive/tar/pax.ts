/**
 * POSIX PAX extended header records ("%d %s=%s\n", the length counting the whole record) → the few
 * keys dsp uses.
 *
 * Invariants:
 *  - Only path, linkpath, size, mtime, uid, gid, uname, gname are kept: a hostile archive can send
 *    megabytes of other keys in every global header, and keeping them would let memory grow with
 *    the archive. Values stay raw bytes until the caller needs them (path bytes go to the path rules).
 *  - Any GNU.sparse.* key (PAX sparse formats 0.0, 0.1, 1.0) makes the entry sparse: reported, never
 *    expanded, since the bytes that follow are a map plus data, not the file. GNU.sparse.name (0.1,
 *    1.0) is kept: it is the file's real name (1.0's entry header says "GNUSparseFile.0/...").
 *  - An empty value ("12 path=\n") means "unset": it removes the key (POSIX), recorded as null so
 *    that an entry header can clear a global value.
 *  - A malformed record is ARCHIVE_CORRUPT; NUL padding after the last record is tolerated (some
 *    writers pad the header's data to the block size inside the declared length).
 */
import { ArchiveError } from "../archive-error.ts";

export type PaxKey = "path" | "linkpath" | "size" | "mtime" | "uid" | "gid" | "uname" | "gname";
const KEPT = new Set<string>(["path", "linkpath", "size", "mtime", "uid", "gid", "uname", "gname"]);

export interface PaxRecords {
  /** Kept keys; null = explicitly unset by this header. */
  values: Map<PaxKey, Uint8Array | null>;
  /** True when any GNU.sparse.* key was present. */
  sparse: boolean;
  /** GNU.sparse.name, the sparse file's real name, when given. */
  sparseName: Uint8Array | null;
}

const ascii = new TextDecoder("latin1");

export function parsePax(data: Uint8Array, offset: number): PaxRecords {
  const values = new Map<PaxKey, Uint8Array | null>();
  let sparse = false;
  let sparseName: Uint8Array | null = null;
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0 && data.subarray(pos).every((b) => b === 0)) break;
    // Length: decimal digits then a space.
    let len = 0;
    let i = pos;
    while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39 && i - pos < 10) len = len * 10 + (data[i++]! - 0x30);
    if (i === pos || data[i] !== 0x20 || len <= i - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw corrupt(offset, pos, "a malformed record");
    }
    const record = data.subarray(i + 1, pos + len - 1);
    const eq = record.indexOf(0x3d); // "="
    if (eq <= 0) throw corrupt(offset, pos, "a record without key=value");
    const key = ascii.decode(record.subarray(0, eq));
    if (key.startsWith("GNU.sparse.")) {
      sparse = true;
      if (key === "GNU.sparse.name") sparseName = record.subarray(eq + 1).slice();
    } else if (KEPT.has(key)) {
      const value = record.subarray(eq + 1);
      values.set(key as PaxKey, value.length === 0 ? null : value.slice());
    }
    pos += len;
  }
  return { values, sparse, sparseName };
}

/** A non-negative decimal integer value (size, uid, gid); null when not one. */
export function paxInteger(value: Uint8Array): number | null {
  const text = ascii.decode(value);
  if (!/^[0-9]{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** A decimal time in seconds, maybe negative, maybe fractional ("1700000000.123456789"). */
export function paxTime(value: Uint8Array): number | null {
  const text = ascii.decode(value);
  if (!/^-?[0-9]{1,16}(\.[0-9]+)?$/.test(text)) return null;
  return Number(text);
}

function corrupt(offset: number, at: number, what: string): ArchiveError {
  return new ArchiveError("ARCHIVE_CORRUPT", `pax extended header at byte ${offset} has ${what} (record at +${at})`, {
    offset,
    recordOffset: at,
  });
}
