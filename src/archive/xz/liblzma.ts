/**
 * The system's liblzma (the library of xz-utils, installed on nearly every Linux: Debian marks it
 * "required", systemd and apt link it) through bun:ffi. bun:ffi maps the library the system already
 * has; nothing is written to disk, unlike a native addon embedded in the binary (which Bun unpacks
 * into $TMPDIR at start, so none is allowed; see the README, "Dependencies").
 *
 * Only what the .xz container code needs from it: a raw LZMA2 decoder (lzma_raw_decoder, with our
 * own filter chain) and CRC-64 (lzma_crc64). The container itself (headers, index, padding, checks,
 * sizes, limits) stays ours, so both decoders give the same errors for the same damage.
 *
 * Struct layouts are the stable liblzma 5.x ABI on 64-bit Linux (liblzma.so.5; the soname has not
 * changed since 5.0, 2010):
 *  - lzma_stream, 136 bytes: next_in @0, avail_in @8, total_in @16, next_out @24, avail_out @32,
 *    total_out @40, then allocator, internal and reserved fields, all zero for LZMA_STREAM_INIT.
 *  - lzma_filter, 16 bytes: id (u64) @0, options (pointer) @8; a list ends with id LZMA_VLI_UNKNOWN.
 *  - lzma_options_lzma: dict_size (u32) @0, preset_dict @8, preset_dict_size @16, lc @20, lp @24,
 *    pb @28, ... (96 bytes in 5.4; we allocate more and leave the rest zero).
 */
import { dlopen, FFIType } from "bun:ffi";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const LZMA_OK = 0;
export const LZMA_STREAM_END = 1;
export const LZMA_MEM_ERROR = 5;
export const LZMA_OPTIONS_ERROR = 8;
export const LZMA_DATA_ERROR = 9;
export const LZMA_RUN = 0;
export const LZMA_FILTER_LZMA2 = 0x21;

export const LZMA_STREAM_BYTES = 136;
export const LZMA_OPTIONS_BYTES = 128;

const symbols = {
  lzma_raw_decoder: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  lzma_code: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  lzma_end: { args: [FFIType.ptr], returns: FFIType.void },
  lzma_crc64: { args: [FFIType.ptr, FFIType.u64, FFIType.u64], returns: FFIType.u64 },
  lzma_version_string: { args: [], returns: FFIType.cstring },
} as const;

export interface Liblzma {
  /** "5.4.1" */
  readonly version: string;
  /** Where it was found (the name dlopen was given). */
  readonly soname: string;
  rawDecoder(strm: Uint8Array, filters: Uint8Array): number;
  code(strm: Uint8Array, action: number): number;
  end(strm: Uint8Array): void;
  /** CRC-64 of `length` bytes at address `address`, continuing from `crc` (0 to start). */
  crc64(address: number, length: number, crc: bigint): bigint;
}

let loaded: Liblzma | Error | undefined;

/** The library, or the reason it cannot be used (looked up once per process). */
export function loadLiblzma(): Liblzma | Error {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): Liblzma | Error {
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) {
    return new Error(`the liblzma struct layouts used here are for 64-bit Linux, not ${process.platform}/${process.arch}`);
  }
  const reasons: string[] = [];
  // liblzma.so.5 is the runtime library; the unversioned name exists only with the -dev package.
  for (const soname of ["liblzma.so.5", "liblzma.so"]) {
    // When the dynamic loader does not find a bare name, Bun's dlopen tries it again in the working
    // directory (measured with strace). A library there is not the system's: never load one.
    if (existsSync(join(process.cwd(), soname))) {
      reasons.push(`${soname}: not looked up, because a file of that name in the working directory ${process.cwd()} could be loaded instead of the system's`);
      continue;
    }
    try {
      const lib = dlopen(soname, symbols);
      const s = lib.symbols;
      const version = String(s.lzma_version_string());
      if (!/^5\./.test(version)) {
        lib.close();
        reasons.push(`${soname} is version ${version}, not 5.x`);
        continue;
      }
      return {
        version,
        soname,
        rawDecoder: (strm, filters) => s.lzma_raw_decoder(strm, filters),
        code: (strm, action) => s.lzma_code(strm, action),
        end: (strm) => s.lzma_end(strm),
        crc64: (address, length, crc) => BigInt(s.lzma_crc64(address as never, length, crc)),
      };
    } catch (err) {
      reasons.push(`${soname}: ${(err as Error).message}`);
    }
  }
  return new Error(`no usable liblzma (${reasons.join("; ")})`);
}

/** Writes a 64-bit unsigned value (an address or a size < 2^53) into a struct, little-endian. */
export function setU64(words: Uint32Array, byteOffset: number, value: number): void {
  words[byteOffset >>> 2] = value % 0x1_0000_0000;
  words[(byteOffset >>> 2) + 1] = Math.floor(value / 0x1_0000_0000);
}

/** Reads a 64-bit unsigned value known to be < 2^53 (a size) from a struct. */
export function getU64(words: Uint32Array, byteOffset: number): number {
  return words[byteOffset >>> 2]! + words[(byteOffset >>> 2) + 1]! * 0x1_0000_0000;
}
