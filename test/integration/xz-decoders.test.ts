/**
 * DSP_XZ_DECODER end to end with the compiled binary and the real S3 server: the system's liblzma
 * (auto, the default on machines that have it) and dsp's own decoder (builtin) upload the same
 * objects from the same .xz files (a tar.xz, a table, Delta-filtered data, concatenated streams
 * of several blocks) and refuse the same damaged ones for the same reasons. The start line says
 * which decoder runs; a value that is neither is refused at start, naming the key.
 */
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { DSP_BINARY, runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectRefused, inspectArchive } from "../support/archive/archive-outcome.ts";
import { archiveTree, writeTree } from "../support/archive/cli-archives.ts";
import { payload } from "../support/payload.ts";

function xz(args: string[], data: Uint8Array | string): Uint8Array {
  const r = Bun.spawnSync(["xz", "-c", ...args], { stdin: typeof data === "string" ? new TextEncoder().encode(data) : data, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`xz ${args.join(" ")}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

const LOG = payload(700_000, 21);
const SAMPLES = new Uint8Array(400_000).map((_, i) => (i * 7 + (i >> 2)) & 0xff);
const GOOD = "--lzma2=preset=6,dict=2MiB";
const TABLE = `id,city\n${Array.from({ length: 2000 }, (_, i) => `${i},${["Oslo", "Lima", "Pune"][i % 3]}`).join("\n")}\n`;

/** Writes the same inputs into a watch folder: four good .xz files and three bad ones. */
function writeInputs(root: string, watch: string): void {
  const tree = join(root, "scratch", "logs");
  writeTree(tree, { "app/one.log": LOG, "app/two.bin": payload(300_000, 22), "t.csv": "k,v\n1,2\n" });
  archiveTree(tree, "tar", join(root, "scratch", "logs.tar"));
  // Good files keep their dictionary within the 4 MiB limit set below (xz -6 would use 8 MiB).
  writeFileSync(join(watch, "logs.tar.xz"), xz([GOOD], readFileSync(join(root, "scratch", "logs.tar"))));
  writeFileSync(join(watch, "x.csv.xz"), xz([GOOD], TABLE));
  writeFileSync(join(watch, "samples.bin.xz"), xz(["--delta=dist=4", GOOD], SAMPLES));
  // Two streams, the first of three blocks with their sizes declared (threaded xz), padding between.
  const two = [xz(["-T2", "--block-size=300000", "--check=sha256", GOOD], LOG), new Uint8Array(8), xz(["-1", "--check=crc32"], LOG)];
  writeFileSync(join(watch, "twice.log.xz"), Buffer.concat(two));
  // Bad: the last block's CRC-64 flipped, a cut stream, an 8 MiB dictionary over the 4 MiB limit.
  const crc = xz([GOOD], LOG);
  writeFileSync(join(watch, "crc.log.xz"), flipLastCheck(crc));
  writeFileSync(join(watch, "cut.log.xz"), crc);
  truncateSync(join(watch, "cut.log.xz"), Math.floor(crc.length / 2));
  writeFileSync(join(watch, "bigdict.log.xz"), xz(["-6"], LOG.subarray(0, 2000)));
}

/** Flips a bit of the last block's stored CRC-64: the 8 bytes just before the index (found by its indicator byte). */
function flipLastCheck(file: Uint8Array): Uint8Array {
  const backward = (new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true) + 1) * 4;
  const indexAt = file.length - 12 - backward;
  if (file[indexAt] !== 0) throw new Error("index indicator not found");
  const out = file.slice();
  out[indexAt - 1]! ^= 0x01;
  return out;
}

async function runWith(decoder: "auto" | "builtin") {
  const bucket = await newBucket(`xzdec-${decoder}`);
  const wd = makeWorkDir(`xzdec-${decoder}`);
  writeInputs(wd.root, wd.watch);
  const env = { ...dspEnv(bucket, wd, { DSP_ARCHIVE_MAX_DICTIONARY: "4MiB" }), ...(decoder === "builtin" ? { DSP_XZ_DECODER: "builtin" } : {}) };
  const r = await runDsp({ env, args: ["run", "--once"] });
  const objects: Record<string, string> = {};
  for (const key of await bucket.keys()) {
    if (key.startsWith(".dsp/")) continue;
    const bytes = await bucket.bytes(key);
    objects[key] = createHash("sha256").update(bytes).digest("hex");
  }
  return { r, bucket, wd, objects };
}

test("liblzma (auto) and the built-in decoder upload the same objects from the same .xz files and refuse the same bad ones", async () => {
  const auto = await runWith("auto");
  const builtin = await runWith("builtin");

  const started = (r: typeof auto.r) => r.lines.find((l) => l.msg === "dsp started")?.xz_decoder;
  expect(String(started(auto.r))).toMatch(/^liblzma 5\.\d+\.\d+ \(system, liblzma\.so\.5\)$/);
  expect(started(builtin.r)).toBe("built-in");

  for (const run of [auto, builtin]) {
    expect(run.r.code).toBe(3); // --once: some files failed
    const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    expect(Object.keys(run.objects).sort()).toEqual(["logs/app/one.log", "logs/app/two.bin", "logs/t.parquet", "samples.bin", "twice.log", "x.parquet"]);
    expect(run.objects["logs/app/one.log"]).toBe(sha(LOG));
    expect(run.objects["samples.bin"]).toBe(sha(SAMPLES));
    expect(run.objects["twice.log"]).toBe(sha(Buffer.concat([LOG, LOG])));
    await expectRefused(run.bucket, run.wd, "crc.log.xz", "crc.log", "ARCHIVE_CRC_MISMATCH");
    await expectRefused(run.bucket, run.wd, "cut.log.xz", "cut.log", "ARCHIVE_TRUNCATED");
    await expectRefused(run.bucket, run.wd, "bigdict.log.xz", "bigdict.log", "ARCHIVE_LIMIT_DICTIONARY");
  }
  expect(builtin.objects).toEqual(auto.objects);

  // dsp inspect takes the same setting.
  const tarXz = join(auto.wd.watch, "logs.tar.xz");
  const listed = (env: Record<string, string>) => inspectArchive(tarXz, env).report.files.map((f) => [f.path, f.bytes]);
  expect(listed({ DSP_XZ_DECODER: "builtin" })).toEqual(listed({}));
  expect(listed({})).toEqual([
    ["logs/app/one.log", LOG.length],
    ["logs/app/two.bin", 300_000],
    ["logs/t.csv", 8],
  ]);
  expect(readFileSync(tarXz).subarray(0, 6)).toEqual(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
}, 240_000);

test("auto on a machine without a usable liblzma: the built-in decoder, with the reason logged at start", async () => {
  const bucket = await newBucket("xzdec-fallback");
  const wd = makeWorkDir("xzdec-fallback");
  // The dynamic loader looks in LD_LIBRARY_PATH first: there, both names dsp tries are not libraries.
  const libs = join(wd.root, "libs");
  mkdirSync(libs);
  for (const name of ["liblzma.so.5", "liblzma.so"]) writeFileSync(join(libs, name), "not a shared library\n");
  writeFileSync(join(wd.watch, "app.log.xz"), xz([GOOD], LOG));
  const r = await runDsp({ env: { ...dspEnv(bucket, wd), LD_LIBRARY_PATH: libs }, args: ["run", "--once"] });
  expect(r.code).toBe(0);
  expect(r.lines.find((l) => l.msg === "dsp started")?.xz_decoder).toBe("built-in");
  const fallback = r.lines.find((l) => String(l.msg).startsWith("xz files are decoded by the built-in decoder"));
  expect(String(fallback?.reason)).toMatch(/^no usable liblzma \(liblzma\.so\.5: .+; liblzma\.so: .+\)$/);
  expect(createHash("sha256").update(await bucket.bytes("app.log")).digest("hex")).toBe(createHash("sha256").update(LOG).digest("hex"));
});

test("DSP_XZ_DECODER other than auto or builtin: exit 2 at start, naming the key and the choices", async () => {
  const bucket = await newBucket("xzdec-bad");
  const wd = makeWorkDir("xzdec-bad");
  const r = await runDsp({ env: { ...dspEnv(bucket, wd), DSP_XZ_DECODER: "native" }, args: ["run", "--once"] });
  expect(r.code).toBe(2);
  expect(r.output).toContain('DSP_XZ_DECODER: expected one of auto, builtin, got "native"');
  const file = join(wd.root, "one.log.xz");
  writeFileSync(file, xz([], "one line\n"));
  const inspect = Bun.spawnSync([DSP_BINARY, "inspect", file], { env: { ...process.env, DSP_XZ_DECODER: "native" }, stdout: "pipe", stderr: "pipe" });
  expect(inspect.exitCode).toBe(2);
  expect(inspect.stderr.toString()).toContain('DSP_XZ_DECODER: expected one of auto, builtin, got "native"');
});
