/**
 * ZIP reading benchmark (not a test): dsp's streaming reader against Info-ZIP's `unzip -p` on the
 * same archive in the same run. One deflated entry of ~200 MB of CSV (the reference table rows),
 * plus the same entry stored. Prints MB/s of uncompressed output and the peak RSS of each process
 * (/usr/bin/time), ours measured in a child process so the generator's buffers do not count.
 *
 *   bun test/unit/archive/zip/bench-zip.ts [--mb 200] [--rounds 3] [--chunk 262144] [--reuse]
 *
 * --reuse sets the reader's reuseBuffers (one output buffer, chunks valid until the next pull).
 *
 * Our first figure is the decode alone (from open to the last chunk, CRC-32 checked), the second
 * the child's wall time (Bun's start included); unzip's is its wall time writing to /dev/null.
 * Median of the rounds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crc32, deflateRawSync } from "node:zlib";
import { fileHandleSource } from "../../../../src/archive/zip/random-access-source.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { writeReferenceCsv } from "../../../support/table-data.ts";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    chunk: { type: "string", default: String(256 * 1024) },
    decode: { type: "string" },
    reuse: { type: "boolean", default: false },
  },
});
const chunkSize = Number(values.chunk);

if (values.decode !== undefined) {
  // Child mode: decode every entry of the archive, print {bytes, seconds} as JSON.
  const handle = await open(values.decode);
  const reader = await openZip(await fileHandleSource(handle), { chunkSize, reuseBuffers: values.reuse, limits: { maxRatio: 1e9 } });
  const t0 = performance.now();
  let bytes = 0;
  for await (const e of reader.entries()) for await (const c of reader.open(e)) bytes += c.length;
  const seconds = (performance.now() - t0) / 1000;
  await handle.close();
  console.log(JSON.stringify({ bytes, seconds }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "dsp-bench-zip-"));
try {
  const csvPath = join(dir, "data.csv");
  const rows = Math.round((Number(values.mb) * 1e6) / 69); // ~69 bytes a row
  writeReferenceCsv(csvPath, rows, 7);
  const csv = readFileSync(csvPath);
  rmSync(csvPath);
  const deflated = join(dir, "deflated.zip");
  const stored = join(dir, "stored.zip");
  const crc = crc32(csv) >>> 0;
  writeFileSync(deflated, buildZip([{ name: "data.csv", compressed: deflateRawSync(csv, { level: 6 }), crc32: crc, uncompressedSize: csv.length }]));
  writeFileSync(stored, buildZip([{ name: "data.csv", data: csv, method: 0 }]));
  console.log(
    `entry: ${(csv.length / 1e6).toFixed(1)} MB of CSV; deflated archive ${(statSync(deflated).size / 1e6).toFixed(1)} MB; ` +
      `chunk ${chunkSize} bytes, ${values.reuse ? "reused" : "fresh"} chunks`,
  );

  const timed = (cmd: string): { seconds: number; rssMiB: number; stdout: string } => {
    const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", "sh", "-c", cmd], { encoding: "utf8", maxBuffer: 1 << 20 });
    const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`${cmd} failed: ${r.stderr}`);
    return { seconds: Number(m[1]), rssMiB: Number(m[2]) / 1024, stdout: r.stdout };
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const hasUnzip = existsSync("/usr/bin/unzip") || spawnSync("sh", ["-c", "command -v unzip"]).status === 0;

  for (const [label, path] of [
    ["deflated", deflated],
    ["stored", stored],
  ] as const) {
    const ours: number[] = [];
    const oursWall: number[] = [];
    const oursRss: number[] = [];
    const theirs: number[] = [];
    const theirsRss: number[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const reuse = values.reuse ? "--reuse" : "";
      const me = timed(`'${process.execPath}' '${import.meta.path}' --chunk ${chunkSize} ${reuse} --decode '${path}'`);
      const { bytes, seconds } = JSON.parse(me.stdout) as { bytes: number; seconds: number };
      if (bytes !== csv.length) throw new Error(`decoded ${bytes} bytes, expected ${csv.length}`);
      ours.push(bytes / 1e6 / seconds);
      oursWall.push(bytes / 1e6 / me.seconds);
      oursRss.push(me.rssMiB);
      if (hasUnzip) {
        const un = timed(`unzip -p '${path}' > /dev/null`);
        theirs.push(csv.length / 1e6 / un.seconds);
        theirsRss.push(un.rssMiB);
      }
    }
    const line =
      `${label.padEnd(9)} dsp ${median(ours).toFixed(0)} MB/s decoding (${median(oursWall).toFixed(0)} MB/s whole process, ` +
      `Bun start included), peak RSS ${median(oursRss).toFixed(0)} MiB`;
    if (hasUnzip) {
      const ratio = median(ours) / median(theirs);
      console.log(`${line} | unzip -p ${median(theirs).toFixed(0)} MB/s, peak RSS ${median(theirsRss).toFixed(1)} MiB | ${ratio.toFixed(2)}x unzip`);
    } else {
      console.log(`${line} | unzip not installed`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
