/**
 * bzip2 test fixtures: the real `bzip2` CLI as compressor and oracle, seeded data generators, and
 * helpers to run dsp's bunzip2 and get its bytes or its error code.
 */
import { bunzip2, type Bunzip2Options } from "../../../../src/archive/bzip2/bunzip2.ts";
import { collectBytes } from "../../../support/archive/collect.ts";
import { chunked } from "../../../support/archive/tar-writer.ts";
import { mulberry32 } from "../../../support/random.ts";

export const hasBzip2 = Bun.which("bzip2") !== null;

/** `bzip2 -c -<level>` of `data`. */
export function bzip2Cli(data: Uint8Array, level = 9): Uint8Array {
  const p = Bun.spawnSync(["bzip2", "-c", `-${level}`], { stdin: data, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`bzip2 -${level} failed: ${p.stderr.toString()}`);
  return new Uint8Array(p.stdout);
}

/** `bzip2 -dc` of `data`: its bytes when it accepts the stream (exit 0), else null. */
export function bunzip2Cli(data: Uint8Array): Uint8Array | null {
  const p = Bun.spawnSync(["bzip2", "-dc"], { stdin: data, stdout: "pipe", stderr: "pipe" });
  return p.exitCode === 0 ? new Uint8Array(p.stdout) : null;
}

/** Decodes with dsp's bunzip2, feeding `chunk`-byte source chunks. */
export function decode(bytes: Uint8Array, chunk: number | number[] = 4096, options?: Bunzip2Options): Promise<Uint8Array> {
  return collectBytes(bunzip2(chunked(bytes, chunk), options));
}

/** "ok" when `bytes` decode, else the error's code (or its text for errors without one). */
export function codeOf(bytes: Uint8Array, chunk: number | number[] = 4096): Promise<string> {
  return decode(bytes, chunk).then(
    () => "ok",
    (e) => e.code ?? String(e),
  );
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 256) | 0;
  return out;
}

/** CSV-like text (ids, words, decimals, dates), `n` bytes. */
export function csvBytes(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const words = ["alpha", "beta", "gamma", "customer", "order", "NULL", "true", "Paris", "Tokyo"];
  const enc = new TextEncoder();
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const w = words[(rnd() * words.length) | 0]!;
    const line = enc.encode(`${(rnd() * 1e9) | 0},${w},${w}${(rnd() * 100) | 0},${rnd().toFixed(3)},2024-0${1 + ((rnd() * 9) | 0)}-1${(rnd() * 9) | 0}\n`);
    out.set(line.subarray(0, n - at), at);
    at += Math.min(line.length, n - at);
  }
  return out;
}

/**
 * Runs of equal bytes of every length that matters to RLE1 (1..6, around 255+4 where a run is
 * split, and long ones), each run of a random byte value, `n` bytes in all.
 */
export function runsBytes(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 250, 254, 255, 256, 258, 259, 260, 261, 263, 300, 511, 1000, 5000];
  const out = new Uint8Array(n);
  let at = 0;
  let k = 0;
  while (at < n) {
    const len = Math.min(k < lengths.length ? lengths[k]! : lengths[(rnd() * lengths.length) | 0]!, n - at);
    k++;
    out.fill((rnd() * 256) | 0, at, at + len);
    at += len;
  }
  return out;
}

/** Every byte value, each `times` times in a row, in a shuffled order of values. */
export function allByteValues(times: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const order = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i--) {
    const j = (rnd() * (i + 1)) | 0;
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const out = new Uint8Array(256 * times);
  order.forEach((v, i) => out.fill(v, i * times, (i + 1) * times));
  return out;
}
