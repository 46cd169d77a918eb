/**
 * FR-050 / SC-011: dsp never writes a temporary file. The binary runs under `strace -f` through a
 * mixed workload (small files, multipart files, a modified file, an ignored name, a failing file,
 * a retried request) and the trace must show no file created anywhere except dsp's state (the run
 * lock, the progress log and its compaction file) and, for the failed file, the error folder (the
 * file renamed into it and its .error.json sidecar). Relative paths in the trace are resolved
 * against the working directory dsp ran in.
 */
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy } from "../harness/fault-proxy.ts";
import { creationsIn, straceWrap } from "../harness/strace.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { payload } from "../support/payload.ts";
import { writeReferenceCsv, writeReferenceJsonl } from "../support/table-data.ts";
import { tarBytes } from "../support/archive/tar-writer.ts";
import { buildZip } from "../support/archive/zip-writer.ts";
import { gzipSync } from "node:zlib";

const MiB = 1024 ** 2;

test("under strace, a mixed workload creates no file except dsp's state and the failed file in the error folder", async () => {
  const bucket = await newBucket("strace");
  const wd = makeWorkDir("strace");
  const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
  const trace = join(wd.root, "trace.txt");
  writeFileSync(join(wd.watch, "present.txt"), "present at start");

  const dsp = startDsp({
    env: dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_MAX_FILE_SIZE: "30MiB", DSP_PART_SIZE: "5MiB" }),
    cwd: wd.root,
    wrap: straceWrap(trace),
  });
  const started = await dsp.waitFor((l) => l.msg === "dsp started", "start", 60_000);
  // .xz goes through the system's liblzma (bun:ffi maps the installed library; nothing is unpacked).
  expect(String(started.xz_decoder)).toStartWith("liblzma ");

  proxy.inject({ kind: "status", status: 503, code: "SlowDown", match: S3_OPERATIONS.uploadPart });
  const names = ["a.txt", "b.dat", "big.bin", "big2.bin"];
  for (const [i, n] of names.entries()) writeFileSync(join(wd.watch, n), payload(n.startsWith("big") ? 12 * MiB : 1000 + i, i));
  // Table exports: converted to Parquet in memory and streamed up; their bytes never touch the disk.
  writeReferenceCsv(join(wd.watch, "c.csv"), 150_000);
  writeReferenceJsonl(join(wd.watch, "d.jsonl"), 50_000);
  writeFileSync(join(wd.watch, "e.xml"), `<rows>${Array.from({ length: 500 }, (_, i) => `<row id="${i}"><v>${i * 2}</v></row>`).join("")}</rows>`);
  names.push("c.csv", "d.jsonl", "e.xml");
  // Archives: read in place or as streams, a nested ZIP held in memory; nothing unpacked to disk.
  const inner = buildZip([{ name: "in/deep.txt", data: "deep" }, { name: "in/t.csv", data: "a,b\n1,2\n" }]);
  writeFileSync(join(wd.watch, "f.zip"), buildZip([{ name: "x.txt", data: payload(3 * MiB, 5) }, { name: "inner.zip", data: inner, method: 0 }]));
  writeFileSync(join(wd.watch, "g.tar.gz"), gzipSync(tarBytes([{ name: "g/one.txt", data: "one" }, { name: "g/t.csv", data: "k,v\n1,x\n" }])));
  writeFileSync(join(wd.watch, "h.csv.gz"), gzipSync("n\n1\n2\n"));
  // The pure-TypeScript bzip2 decoder, xz through liblzma, and 7-Zip (WASM, in a worker) reading a 7z in place.
  const src = join(wd.root, "src7");
  mkdirSync(join(src, "d"), { recursive: true });
  writeFileSync(join(src, "d", "s.csv"), "p,q\n1,2\n");
  writeFileSync(join(src, "d", "blob.bin"), payload(2 * MiB, 7));
  Bun.spawnSync(["7zz", "a", "-bd", "-y", join(wd.watch, "i.7z"), "."], { cwd: src, stdout: "ignore" });
  writeFileSync(join(wd.watch, "j.tar.bz2"), Bun.spawnSync(["tar", "cjf", "-", "."], { cwd: src }).stdout);
  writeFileSync(join(wd.watch, "k.log.xz"), Bun.spawnSync(["xz", "-c"], { stdin: payload(300_000, 3) }).stdout);
  names.push("f.zip", "g.tar.gz", "h.csv.gz", "i.7z", "j.tar.bz2", "k.log.xz");
  writeFileSync(join(wd.watch, "ignored.part"), "partial");
  writeFileSync(join(wd.watch, "huge.bin"), payload(31 * MiB, 9)); // above DSP_MAX_FILE_SIZE: fails
  await dsp.waitForCount((l) => l.msg === "uploaded", names.length + 1, "uploads", 120_000);
  writeFileSync(join(wd.watch, "a.txt"), "modified");
  await dsp.waitForCount((l) => l.msg === "uploaded", names.length + 2, "modified upload", 60_000);
  await dsp.waitFor((l) => l.msg === "failed" && l.file === "huge.bin", "huge.bin failed");

  // strace forwards nothing to its tracee: signal dsp itself (strace's only child).
  const child = Number(readFileSync(`/proc/${dsp.pid}/task/${dsp.pid}/children`, "utf8").trim().split(" ")[0]);
  process.kill(child, "SIGTERM");
  expect(await dsp.exited).toBe(0);
  expect(proxy.stats.faulted.status).toBe(1);

  const created = creationsIn(trace).map((c) => ({ ...c, path: isAbsolute(c.path) ? c.path : resolve(wd.root, c.path) }));
  const errorDir = join(wd.watch, ".dsp-errors");
  const allowed = new Set([
    wd.state,
    join(wd.state, "dsp.lock"),
    join(wd.state, "progress.log"),
    join(wd.state, "progress.log.compact"),
    errorDir,
    join(errorDir, "huge.bin"),
    join(errorDir, "huge.bin.error.json"),
  ]);
  const unexpected = created.filter((c) => !allowed.has(c.path));
  expect(unexpected.map((c) => c.line)).toEqual([]);
  // The trace did see dsp's own files, so an empty list above means something; and liblzma was
  // opened from where the system keeps it, read-only.
  expect(readFileSync(trace, "utf8")).toMatch(/open(at)?\(.*"[^"]*\/liblzma\.so\.5[^"]*", O_RDONLY\|O_CLOEXEC\)/);
  expect(created.some((c) => c.path === join(wd.state, "dsp.lock"))).toBe(true);
  expect(created.some((c) => c.path === join(errorDir, "huge.bin.error.json"))).toBe(true);
  expect((await bucket.keys()).filter((k) => /^[cde]\./.test(k))).toEqual(["c.parquet", "d.parquet", "e.parquet"]);
  await proxy.stop();
}, 240_000);
