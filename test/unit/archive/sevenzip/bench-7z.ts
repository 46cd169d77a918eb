/**
 * 7z reading benchmark (not a test): dsp's reader (7-Zip 24.09 as WASM in a Worker, streaming
 * through the shared ring) against the native 7-Zip CLI `7zz x -so > /dev/null`, same archive, same
 * run, rounds interleaved. One LZMA2 entry of ~300 MB of CSV (the reference table rows).
 *
 *   bun test/unit/archive/sevenzip/bench-7z.ts [--mb 300] [--rounds 3] [--level 5] [--archive x.7z]
 *
 * The archive is made once by 7zz (-m0=LZMA2 -mx=LEVEL) and kept in the temp folder for the next
 * runs (compressing 300 MB at -mx5 takes minutes on 2 cores); --archive uses an existing one.
 * Figures: MB/s of uncompressed output, median of the rounds. Ours: the decode alone (open to the
 * last chunk, CRC-32 checked) and the child's whole wall time (Bun's start included); 7zz: wall
 * time, multi-threaded (its default: LZMA2 blocks may decode in parallel) and with -mmt1 (the WASM
 * build has one thread). Peak RSS from /usr/bin/time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSevenZip } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { writeReferenceCsv } from "../../../support/table-data.ts";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "300" },
    rounds: { type: "string", default: "3" },
    level: { type: "string", default: "5" },
    archive: { type: "string" },
    decode: { type: "string" },
  },
});

if (values.decode !== undefined) {
  // Child mode: read every file entry, print {bytes, seconds} as JSON.
  const t0 = performance.now();
  const reader = await openSevenZip({ path: values.decode }, "7z", { name: values.decode });
  let bytes = 0;
  for await (const { data } of reader.files()) for await (const c of data) bytes += c.length;
  const seconds = (performance.now() - t0) / 1000;
  await reader.close();
  console.log(JSON.stringify({ bytes, seconds }));
  process.exit(0);
}

function archivePath(): string {
  if (values.archive !== undefined) return values.archive;
  const dir = join(tmpdir(), "dsp-bench-7z");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `reference-${values.mb}mb-mx${values.level}.7z`);
  if (existsSync(path)) return path;
  const csv = join(dir, "data.csv");
  const rows = Math.round((Number(values.mb) * 1e6) / 69); // ~69 bytes a row
  console.log(`generating ${values.mb} MB of CSV and compressing it with 7zz -mx=${values.level} (once; kept in ${dir})...`);
  writeReferenceCsv(csv, rows, 7);
  const r = spawnSync("7zz", ["a", "-bso0", "-bsp0", "-t7z", "-m0=LZMA2", `-mx=${values.level}`, `${path}.partial`, csv], { stdio: "inherit" });
  rmSync(csv);
  if (r.status !== 0) throw new Error("7zz failed");
  renameSync(`${path}.partial`, path);
  return path;
}

const timed = (cmd: string): { seconds: number; rssMiB: number; stdout: string } => {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", "sh", "-c", cmd], { encoding: "utf8", maxBuffer: 1 << 20 });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { seconds: Number(m[1]), rssMiB: Number(m[2]) / 1024, stdout: r.stdout };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const archive = archivePath();
const listing = spawnSync("7zz", ["l", "-slt", archive], { encoding: "utf8" }).stdout;
const size = Number(/^Size = (\d+)$/m.exec(listing)?.[1]);
const method = /^Method = (.+)$/m.exec(listing.split("----------")[1] ?? "")?.[1];
console.log(`archive ${archive}: ${(statSync(archive).size / 1e6).toFixed(1)} MB, entry ${(size / 1e6).toFixed(1)} MB, ${method}`);

const ours: number[] = [];
const oursWall: number[] = [];
const oursRss: number[] = [];
const native: number[] = [];
const nativeRss: number[] = [];
const single: number[] = [];
const singleRss: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const me = timed(`'${process.execPath}' '${import.meta.path}' --decode '${archive}'`);
  const { bytes, seconds } = JSON.parse(me.stdout) as { bytes: number; seconds: number };
  if (bytes !== size) throw new Error(`decoded ${bytes} bytes, expected ${size}`);
  ours.push(bytes / 1e6 / seconds);
  oursWall.push(bytes / 1e6 / me.seconds);
  oursRss.push(me.rssMiB);
  const n = timed(`7zz x -so '${archive}' > /dev/null`);
  native.push(size / 1e6 / n.seconds);
  nativeRss.push(n.rssMiB);
  const s = timed(`7zz x -so -mmt1 '${archive}' > /dev/null`);
  single.push(size / 1e6 / s.seconds);
  singleRss.push(s.rssMiB);
  console.log(
    `round ${round + 1}: dsp ${ours.at(-1)!.toFixed(0)} MB/s (${oursWall.at(-1)!.toFixed(0)} whole), ` +
      `7zz ${native.at(-1)!.toFixed(0)} MB/s, 7zz -mmt1 ${single.at(-1)!.toFixed(0)} MB/s`,
  );
}
console.log(
  `dsp (WASM worker) ${median(ours).toFixed(0)} MB/s decoding, ${median(oursWall).toFixed(0)} MB/s whole process, peak RSS ${median(oursRss).toFixed(0)} MiB\n` +
    `7zz x -so         ${median(native).toFixed(0)} MB/s, peak RSS ${median(nativeRss).toFixed(0)} MiB  -> dsp/7zz ${(median(ours) / median(native)).toFixed(2)}x\n` +
    `7zz x -so -mmt1   ${median(single).toFixed(0)} MB/s, peak RSS ${median(singleRss).toFixed(0)} MiB  -> dsp/7zz-mmt1 ${(median(ours) / median(single)).toFixed(2)}x`,
);
