/**
 * Which code decodes the LZMA2 data and computes the CRC-64 of .xz blocks: the system's liblzma
 * (native speed) or our own TypeScript decoder (no library needed). Everything else of .xz (the
 * container, limits, checks, errors) is the same code for both.
 *
 * DSP_XZ_DECODER (README "Archives", docs/archives.md):
 *  - auto (default): liblzma.so.5 when the system has a usable one, else the built-in decoder. The
 *    choice is logged at start, with the reason when liblzma is not used.
 *  - builtin: never loads a system library (for an operator who wants exactly what was tested, or
 *    a machine whose liblzma misbehaves).
 *
 * Why both: xz-utils' own decoder runs at 2-2.5x our TypeScript one on export-like text (the
 * symbol loop is ~80% of the time; a C-to-WASM build of the same loop was only ~20% faster), and
 * issue 5 asks for 0.9x `xz -dc`. liblzma cannot be embedded (a native addon is written to $TMPDIR
 * when the binary starts), but the system's copy can be mapped as it is. The built-in decoder
 * stays the fallback, and the reference the native one is tested against.
 */
import { LzWindow } from "./lz-window.ts";
import { Lzma2Decoder } from "./lzma2-decoder.ts";
import { loadLiblzma, type Liblzma } from "./liblzma.ts";
import { NativeCrc64, NativeLzma2Decoder } from "./native-lzma2.ts";
import { CHECK_CRC64, createCheck, type BlockCheck } from "./xz-checks.ts";

/** What xz-block.ts needs of an LZMA2 decoder (Lzma2Decoder's contract; see lzma2-decoder.ts). */
export interface Lzma2Stream {
  readonly windowSize: number;
  readonly inPos: number;
  readonly outPos: number;
  readonly finished: boolean;
  decode(input: Uint8Array, inPos: number, inEnd: number, output: Uint8Array, outPos: number, outEnd: number): void;
  reset(): void;
  /** Frees what is not garbage-collected (liblzma's memory); the decoder is not used after. */
  close(): void;
}

export interface XzEngine {
  /** For logs: "liblzma 5.4.1 (system, liblzma.so.5)" or "built-in". */
  readonly name: string;
  /** A decoder with a window of LzWindow.sizeFor(windowBytes) bytes (the caller checked the dictionary). */
  lzma2(windowBytes: number): Lzma2Stream;
  /** A fresh block check for a supported check ID. */
  check(checkId: number): BlockCheck;
  /** The system's liblzma, when this engine is it (7z's LZMA/LZMA2 folders use it too: ../sevenzip/direct/). */
  readonly lib?: Liblzma;
}

class BuiltinLzma2 extends Lzma2Decoder implements Lzma2Stream {
  get windowSize(): number {
    return this.window.size;
  }
  close(): void {}
}

export const BUILTIN_XZ_ENGINE: XzEngine = {
  name: "built-in",
  lzma2: (windowBytes) => new BuiltinLzma2(windowBytes),
  check: createCheck,
};

export function liblzmaEngine(lib: Liblzma): XzEngine {
  return {
    name: `liblzma ${lib.version} (system, ${lib.soname})`,
    lib,
    lzma2: (windowBytes) => new NativeLzma2Decoder(lib, LzWindow.sizeFor(windowBytes)),
    check: (checkId) => (checkId === CHECK_CRC64 ? new NativeCrc64(lib) : createCheck(checkId)),
  };
}

/** The engine for a DSP_XZ_DECODER choice; `fallback` says why liblzma is not used under auto. */
export function chooseXzEngine(choice: "auto" | "builtin"): { engine: XzEngine; fallback?: string } {
  if (choice === "builtin") return { engine: BUILTIN_XZ_ENGINE };
  const lib = loadLiblzma();
  if (lib instanceof Error) return { engine: BUILTIN_XZ_ENGINE, fallback: lib.message };
  return { engine: liblzmaEngine(lib) };
}
