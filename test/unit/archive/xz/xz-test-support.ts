/**
 * Helpers for the xz tests: the real `xz` CLI as the oracle (and the encoder of every fixture),
 * generated data, a minimal .xz container writer for crafted LZMA2 data, and patch helpers that
 * change one field of a real .xz file and fix the CRC32 that covers it.
 */
import { afterAll, beforeAll, describe } from "bun:test";
import zlib from "node:zlib";
import { loadLiblzma } from "../../../../src/archive/xz/liblzma.ts";
import { unxz, type UnxzOptions } from "../../../../src/archive/xz/unxz.ts";
import { BUILTIN_XZ_ENGINE, liblzmaEngine, type XzEngine } from "../../../../src/archive/xz/xz-engine.ts";
import { collectBytes } from "../../../support/archive/collect.ts";
import { chunked, concat } from "../../../support/archive/tar-writer.ts";
import { mulberry32 } from "../../../support/random.ts";

export { concat, chunked };

/** Runs the real xz with `args`, `input` on stdin; its stdout (throws on a non-zero exit). */
export function xzCli(args: string[], input: Uint8Array): Uint8Array {
  const p = Bun.spawnSync(["xz", ...args], { stdin: input, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`xz ${args.join(" ")} failed: ${p.stderr.toString()}`);
  return new Uint8Array(p.stdout);
}

/** Compresses with xz (always -c -T1 unless args ask for threads). */
export function xzc(input: Uint8Array, ...args: string[]): Uint8Array {
  return xzCli(["-c", ...(args.some((a) => a.startsWith("-T")) ? [] : ["-T1"]), ...args], input);
}

/** What `xz -dc` makes of `bytes`, or its error text. */
export function xzDecode(bytes: Uint8Array): { ok: true; out: Uint8Array } | { ok: false; err: string } {
  const p = Bun.spawnSync(["xz", "-dc"], { stdin: bytes, stdout: "pipe", stderr: "pipe" });
  return p.exitCode === 0 ? { ok: true, out: new Uint8Array(p.stdout) } : { ok: false, err: p.stderr.toString() };
}

/**
 * Both engines (xz-engine.ts): the built-in decoder and the system's liblzma. The test machines have
 * liblzma (scripts/setup.sh installs xz-utils), so its absence fails here instead of quietly
 * testing one engine.
 */
function systemLiblzma(): XzEngine {
  const lib = loadLiblzma();
  if (lib instanceof Error) throw new Error(`the xz tests need the system's liblzma: ${lib.message}`);
  return liblzmaEngine(lib);
}
export const XZ_ENGINES: readonly XzEngine[] = [BUILTIN_XZ_ENGINE, systemLiblzma()];

let current: XzEngine = BUILTIN_XZ_ENGINE;
/** The engine of the describeEachEngine block running now (run, codeOf and direct unxz calls use it). */
export const engine = (): XzEngine => current;

/** `fn`'s tests once per engine, under "<name> [<engine>]". */
export function describeEachEngine(name: string, fn: () => void): void {
  for (const e of XZ_ENGINES) {
    describe(`${name} [${e.name}]`, () => {
      beforeAll(() => {
        current = e;
      });
      afterAll(() => {
        current = BUILTIN_XZ_ENGINE;
      });
      fn();
    });
  }
}

export const run = (bytes: Uint8Array, chunk: number | number[] = 1000, options?: UnxzOptions) => collectBytes(unxz(chunked(bytes, chunk), { engine: current, ...options }));
export const codeOf = (bytes: Uint8Array, chunk: number | number[] = 1000, options?: UnxzOptions) =>
  run(bytes, chunk, options).then(
    () => "ok",
    (e) => e.code ?? `not an ArchiveError: ${e}`,
  );

const WORDS = ["alpha", "beta", "gamma", "delta", "customer", "order", "NULL", "true", "false", "Paris", "Berlin", "Tokyo"];

/** CSV-like text (ids, words, decimals, dates), `bytes` long: compresses ~4:1 with xz -6. */
export function csvText(bytes: number, seed = 1): Uint8Array {
  const rnd = mulberry32(seed);
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)]!;
    const line = `${Math.floor(rnd() * 1e9)},${w},${w}${Math.floor(rnd() * 100)},${rnd().toFixed(3)},2024-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}\n`;
    parts.push(line);
    n += line.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, bytes);
}

export function randomBytes(n: number, seed = 7): Uint8Array {
  const rnd = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = Math.floor(rnd() * 2 ** 32);
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** Byte count and SHA-256 of a stream, without keeping it. */
export async function digestOf(source: AsyncIterable<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const h = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  for await (const c of source) {
    h.update(c);
    bytes += c.length;
  }
  return { bytes, sha256: h.digest("hex") };
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

const crc = (bytes: number[] | Uint8Array) => zlib.crc32(Uint8Array.from(bytes)) >>> 0;

/**
 * A one-block .xz stream (check None) around raw LZMA2 data (which must end with its 00 byte).
 * `uncompressed` is the size the index records; `dictProp` the LZMA2 dictionary code.
 */
export function xzContainer(lzma2: Uint8Array, uncompressed: number, dictProp = 0x10): Uint8Array {
  const flags = [0x00, 0x00];
  const header = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...flags, ...le32(crc(flags))];
  const filters = [0x00, 0x21, 0x01, dictProp];
  const bh = [0, ...filters];
  while ((bh.length + 4) % 4 !== 0) bh.push(0);
  bh[0] = (bh.length + 4) / 4 - 1;
  const blockHeader = [...bh, ...le32(crc(bh))];
  const padding = (4 - ((blockHeader.length + lzma2.length) % 4)) % 4;
  const index = [0x00, ...varint(1), ...varint(blockHeader.length + lzma2.length), ...varint(uncompressed)];
  while (index.length % 4 !== 0) index.push(0);
  const indexFull = [...index, ...le32(crc(index))];
  const footerBody = [...le32(indexFull.length / 4 - 1), ...flags];
  const footer = [...le32(crc(footerBody)), ...footerBody, 0x59, 0x5a];
  return concat([Uint8Array.from([...header, ...blockHeader]), lzma2, new Uint8Array(padding), Uint8Array.from([...indexFull, ...footer])]);
}

/** Where the parts of a one-stream .xz file are (from its footer's backward size). */
export function layout(file: Uint8Array): { blockHeaderSize: number; indexAt: number; footerAt: number } {
  const footerAt = file.length - 12;
  const backward = (new DataView(file.buffer, file.byteOffset + footerAt + 4, 4).getUint32(0, true) + 1) * 4;
  return { blockHeaderSize: (file[12]! + 1) * 4, indexAt: footerAt - backward, footerAt };
}

/** Recomputes the CRC32 of bytes [from, to) and stores it little-endian at `at` (default: right after). */
export function fixCrc32(file: Uint8Array, from: number, to: number, at = to): Uint8Array {
  new DataView(file.buffer, file.byteOffset).setUint32(at, zlib.crc32(file.subarray(from, to)) >>> 0, true);
  return file;
}

/** Recomputes a stream footer's CRC32 (it precedes the 6 bytes it covers). */
export function fixFooterCrc(file: Uint8Array): Uint8Array {
  const at = file.length - 12;
  return fixCrc32(file, at + 4, at + 10, at);
}

/** Stream, a copy with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >>> 3]! ^= 1 << (bit & 7);
  return out;
}
