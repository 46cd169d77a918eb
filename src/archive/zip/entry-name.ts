/**
 * Decodes an entry name the way the specification orders the sources (APPNOTE 4.4.4, 4.6.9):
 * 1. general purpose bit 11 set: the header name is UTF-8 and must be valid UTF-8;
 * 2. otherwise an Info-ZIP Unicode Path field (0x7075) whose CRC-32 matches the header name gives
 *    the UTF-8 name (a mismatching CRC means a tool renamed the entry without updating the field,
 *    so the field is stale and ignored, as the specification says);
 * 3. otherwise the header name is CP437.
 *
 * Invariants: a byte order mark is kept (it is part of the name); invalid UTF-8 under bit 11 is
 * ZIP_BAD_NAME, never replaced with U+FFFD (two different names must not decode to one); an invalid
 * Unicode Path field falls back to CP437, which every byte string decodes to.
 */
import { crc32 } from "node:zlib";
import { ArchiveError, type ArchiveErrorContext } from "./archive-error.ts";
import { decodeCp437 } from "./cp437.ts";

export type NameEncoding = "utf8" | "unicode-path" | "cp437";

export interface DecodedName {
  name: string;
  encoding: NameEncoding;
  /** Bytes of the name the decoded string came from (the Unicode Path field's, when used). */
  byteLength: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function decodeEntryName(
  raw: Uint8Array,
  utf8Flag: boolean,
  unicodePath: { nameCrc32: number; utf8: Uint8Array } | undefined,
  ctx: ArchiveErrorContext,
): DecodedName {
  if (utf8Flag) {
    const name = tryUtf8(raw);
    if (name === undefined) {
      throw new ArchiveError("ZIP_BAD_NAME", `an entry name flagged UTF-8 is not valid UTF-8 (${hex(raw)})`, ctx);
    }
    return { name, encoding: "utf8", byteLength: raw.length };
  }
  if (unicodePath !== undefined && unicodePath.nameCrc32 === crc32(raw) >>> 0) {
    const name = tryUtf8(unicodePath.utf8);
    if (name !== undefined) return { name, encoding: "unicode-path", byteLength: unicodePath.utf8.length };
  }
  return { name: decodeCp437(raw), encoding: "cp437", byteLength: raw.length };
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The first bytes of a name in hex, for a message about a name that cannot be printed. */
function hex(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 48), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > 48 ? `${shown} ...` : shown;
}
