/**
 * The integrity check an .xz stream declares in its header and stores after every block: the
 * uncompressed bytes of the block, checked after decompression and after every filter.
 *
 * Check IDs (4 bits in the stream flags) and the size of the stored value:
 *   0x00 None (0)   0x01 CRC32 (4)   0x04 CRC64 (8)   0x0A SHA-256 (32)
 *   other IDs are reserved; their sizes are fixed by the format (0x01-0x03: 4, 0x04-0x06: 8,
 *   0x07-0x09: 16, 0x0A-0x0C: 32, 0x0D-0x0F: 64) so that a reader could skip them.
 * `xz` decompresses a stream whose check it cannot compute with a warning ("not verifying"); dsp
 * has no "succeeded with a warning" state, so a reserved ID is ARCHIVE_UNSUPPORTED: we never pass
 * on bytes whose stored check we could not verify.
 *
 * Implementations: CRC32 by node:zlib (native), CRC64 in crc64.ts (no native one), SHA-256 by
 * Bun.CryptoHasher (native). Stored values are little-endian for the CRCs, raw for SHA-256.
 */
import zlib from "node:zlib";
import { ArchiveError } from "../archive-error.ts";
import { Crc64 } from "./crc64.ts";

export const CHECK_NONE = 0x00;
export const CHECK_CRC32 = 0x01;
export const CHECK_CRC64 = 0x04;
export const CHECK_SHA256 = 0x0a;

const NAMES: Record<number, string> = { [CHECK_NONE]: "None", [CHECK_CRC32]: "CRC32", [CHECK_CRC64]: "CRC64", [CHECK_SHA256]: "SHA-256" };

/** Size of the check field for any ID 0..15 (reserved ones included). */
export function checkSize(id: number): number {
  if (id === 0) return 0;
  return 4 << Math.floor((id - 1) / 3);
}

export function checkName(id: number): string {
  return NAMES[id] ?? `reserved check ID 0x${id.toString(16)}`;
}

/** Throws ARCHIVE_UNSUPPORTED for check IDs dsp cannot verify. */
export function requireSupportedCheck(id: number): void {
  if (NAMES[id] === undefined) {
    throw new ArchiveError("ARCHIVE_UNSUPPORTED", `xz stream uses ${checkName(id)}, which dsp cannot verify`, { checkId: id });
  }
}

/** One block's check: fed the block's uncompressed bytes in order, then compared to the stored value. */
export interface BlockCheck {
  update(data: Uint8Array): void;
  /** The value as the .xz file stores it. */
  digest(): Uint8Array;
}

class NoCheck implements BlockCheck {
  update(): void {}
  digest(): Uint8Array {
    return new Uint8Array(0);
  }
}

class Crc32Check implements BlockCheck {
  private value = 0;
  update(data: Uint8Array): void {
    if (data.length > 0) this.value = zlib.crc32(data, this.value);
  }
  digest(): Uint8Array {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, this.value >>> 0, true);
    return out;
  }
}

class Sha256Check implements BlockCheck {
  private readonly hasher = new Bun.CryptoHasher("sha256");
  update(data: Uint8Array): void {
    if (data.length > 0) this.hasher.update(data);
  }
  digest(): Uint8Array {
    return new Uint8Array(this.hasher.digest());
  }
}

/** A fresh check for one block (call requireSupportedCheck first). */
export function createCheck(id: number): BlockCheck {
  switch (id) {
    case CHECK_NONE:
      return new NoCheck();
    case CHECK_CRC32:
      return new Crc32Check();
    case CHECK_CRC64:
      return new Crc64();
    case CHECK_SHA256:
      return new Sha256Check();
    default:
      requireSupportedCheck(id);
      throw new Error("unreachable");
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
