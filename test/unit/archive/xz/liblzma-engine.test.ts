/**
 * The liblzma engine itself (xz-engine.ts, native-lzma2.ts): it is what DSP_XZ_DECODER=auto picks on
 * the test machines, its CRC-64 and LZMA2 agree with ours, and the native memory it allocates (one
 * dictionary per stream, outside the JavaScript heap) is freed when a stream ends, fails or is
 * abandoned. The round trips and damage suites run against both engines (describeEachEngine).
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLiblzma } from "../../../../src/archive/xz/liblzma.ts";
import { Crc64 } from "../../../../src/archive/xz/crc64.ts";
import { NativeCrc64, NativeLzma2Decoder } from "../../../../src/archive/xz/native-lzma2.ts";
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { BUILTIN_XZ_ENGINE, chooseXzEngine } from "../../../../src/archive/xz/xz-engine.ts";
import { CHECK_CRC64 } from "../../../../src/archive/xz/xz-checks.ts";
import { chunked, csvText, randomBytes, XZ_ENGINES, xzc } from "./xz-test-support.ts";

const MiB = 2 ** 20;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("auto picks the system's liblzma 5.x on this machine; builtin never loads it", () => {
  const lib = loadLiblzma();
  if (lib instanceof Error) throw lib;
  expect(lib.version).toMatch(/^5\.\d+\.\d+/);
  const auto = chooseXzEngine("auto");
  expect(auto.fallback).toBeUndefined();
  expect(auto.engine.name).toBe(`liblzma ${lib.version} (system, ${lib.soname})`);
  expect(auto.engine.lzma2(4096)).toBeInstanceOf(NativeLzma2Decoder);
  expect(auto.engine.check(CHECK_CRC64)).toBeInstanceOf(NativeCrc64);
  expect(chooseXzEngine("builtin").engine).toBe(BUILTIN_XZ_ENGINE);
  expect(XZ_ENGINES.map((e) => e.name)).toEqual(["built-in", auto.engine.name]);
});

test("CRC-64 by liblzma: the standard check value, and the same as ours over uneven, unaligned pieces", () => {
  const lib = loadLiblzma();
  if (lib instanceof Error) throw lib;
  const vector = new NativeCrc64(lib);
  vector.update(new TextEncoder().encode("123456789"));
  expect(hex(vector.digest())).toBe("fa3919dfbbc95d99"); // 0x995DC9BBDF1939FA, stored little-endian
  const data = randomBytes(1 * MiB + 13, 3);
  const native = new NativeCrc64(lib);
  const ours = new Crc64();
  for (let p = 0, step = 1; p < data.length; p += step, step = (step * 7 + 3) % 70_001) {
    native.update(data.subarray(p, p + step));
    ours.update(data.subarray(p, p + step));
  }
  expect(hex(native.digest())).toBe(hex(ours.digest()));
});

/** RSS after a full collection, in MiB. */
function rssMiB(): number {
  Bun.gc(true);
  return process.memoryUsage.rss() / MiB;
}

test("native dictionaries are freed: 600 streams with an 8 MiB dictionary each, ended, failed or abandoned, leave RSS flat", async () => {
  const lib = loadLiblzma();
  if (lib instanceof Error) throw lib;
  const engine = chooseXzEngine("auto").engine;
  // xz -6 (8 MiB dictionary) run single-threaded declares no uncompressed size, so each stream's
  // decoder allocates the whole 8 MiB: 600 leaked would be 4.8 GB.
  const good = xzc(csvText(300_000, 5), "-6");
  const bad = good.slice();
  bad[bad.length - 20]! ^= 0xff; // inside the index: fails after all the data was decoded
  const before = rssMiB();
  let outcomes = { ended: 0, failed: 0, abandoned: 0 };
  for (let i = 0; i < 600; i++) {
    const kind = i % 3;
    const stream = unxz(chunked(kind === 1 ? bad : good, 65536), { engine, chunkSize: 64 * 1024 });
    if (kind === 0) {
      for await (const _ of stream);
      outcomes.ended++;
    } else if (kind === 1) {
      await (async () => {
        for await (const _ of stream);
      })().then(
        () => {
          throw new Error("a damaged index decoded");
        },
        () => outcomes.failed++,
      );
    } else {
      for await (const _ of stream) break; // the consumer stops after the first chunk
      outcomes.abandoned++;
    }
  }
  const after = rssMiB();
  console.log(`600 native xz streams: RSS ${before.toFixed(0)} → ${after.toFixed(0)} MiB`);
  expect(outcomes).toEqual({ ended: 200, failed: 200, abandoned: 200 });
  expect(after - before).toBeLessThan(64);
}, 120_000);

test("a native decoder keeps no pointer to its buffers: reusing and overwriting them between calls changes nothing", () => {
  const lib = loadLiblzma();
  if (lib instanceof Error) throw lib;
  const data = csvText(200_000, 9);
  const xz = xzc(data, "-6", "--format=raw", "--lzma2=preset=6,dict=1MiB");
  const dec = new NativeLzma2Decoder(lib, 1 * MiB);
  const input = new Uint8Array(100);
  const output = new Uint8Array(1000);
  const got: number[] = [];
  let at = 0;
  try {
    while (!dec.finished) {
      const n = Math.min(input.length, xz.length - at);
      input.fill(0xaa);
      input.set(xz.subarray(at, at + n));
      output.fill(0x55);
      dec.decode(input, 0, n, output, 0, output.length);
      at += dec.inPos;
      for (let i = 0; i < dec.outPos; i++) got.push(output[i]!);
      if (n === 0 && dec.outPos === 0 && !dec.finished) throw new Error("no progress at the end of the input");
    }
  } finally {
    dec.close();
  }
  expect(at).toBe(xz.length);
  expect(hex(new Uint8Array(got))).toBe(hex(data));
});

test("a liblzma.so.5 in the working directory is never loaded (Bun's dlopen would fall back to it): built-in, with the reason", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsp-liblzma-cwd-"));
  try {
    writeFileSync(join(dir, "liblzma.so.5"), "planted\n");
    const script = `import { loadLiblzma } from ${JSON.stringify(new URL("../../../../src/archive/xz/liblzma.ts", import.meta.url).pathname)}; const r = loadLiblzma(); console.log(r instanceof Error ? "error: " + r.message : "loaded " + r.soname);`;
    const r = Bun.spawnSync([process.execPath, "-e", script], { cwd: dir, stdout: "pipe", stderr: "pipe" });
    const out = r.stdout.toString();
    // liblzma.so.5 is skipped; the unversioned name may still load from the system (with the -dev package).
    expect(out).toMatch(/^(error: no usable liblzma \(liblzma\.so\.5: not looked up, because a file of that name in the working directory .* could be loaded instead of the system's; liblzma\.so: .+\)|loaded liblzma\.so)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
