/**
 * Archive decoding speed and memory: the compiled binary (`dsp inspect`, which decodes and checks
 * every byte exactly as `dsp run` does, without uploading) next to the native tool, same files,
 * same run, rounds interleaved, medians. Prints MB/s of decompressed output, peak RSS, and the
 * ratio dsp / native per format. The goal (issue 5): ≥ 0.9× the native tool, RSS under 128 MiB.
 *
 *   bun scripts/build.ts && bun scripts/bench-archive.ts [--mb 200] [--rounds 3] [--formats gz,bz2,xz,xz-builtin,zip,7z,tar.gz]
 *
 * `xz` is dsp as installed (DSP_XZ_DECODER=auto: the system's liblzma when there is one), `xz-builtin`
 * the same file through dsp's own TypeScript decoder (DSP_XZ_DECODER=builtin).
 *
 * Needs gzip, bzip2, xz, zip/unzip, 7zz and GNU time (/usr/bin/time) on the PATH.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "200" }, rounds: { type: "string", default: "3" }, formats: { type: "string", default: "gz,tar.gz,zip,bz2,xz,xz-builtin,7z" } },
});
const MB = Number(values.mb);
const ROUNDS = Number(values.rounds);
const DSP = resolve(import.meta.dir, "../dist/dsp");
if (!existsSync(DSP)) throw new Error("build the binary first: bun scripts/build.ts");
const dir = join(tmpdir(), `dsp-bench-archive-${process.pid}`);
mkdirSync(dir, { recursive: true });
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** CSV-like text: what archives of exports hold (compresses ~5-8:1 like real exports). */
function writeData(path: string, bytes: number): void {
  const parts: string[] = [];
  let size = 0;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
  for (let i = 0; size < bytes; i++) {
    const line = `${i},${(rand() * 1e6).toFixed(2)},${names[Math.floor(rand() * 8)]},2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:00:00Z,${rand() < 0.5}\n`;
    parts.push(line);
    size += line.length;
  }
  writeFileSync(path, parts.join(""));
}

function sh(cmd: string[], cwd = dir): void {
  const r = Bun.spawnSync(cmd, { cwd, stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString()}`);
}

/** Wall seconds and peak RSS (KiB) of one command, output to /dev/null, via GNU time. */
function timed(cmd: string): { seconds: number; rssKiB: number } {
  const r = Bun.spawnSync(["bash", "-c", `/usr/bin/time -f "%e %M" bash -c '${cmd} > /dev/null' 2>&1 >/dev/null | tail -1`], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [s, m] = r.stdout.toString().trim().split(/\s+/).map(Number);
  if (!Number.isFinite(s) || !Number.isFinite(m)) throw new Error(`${cmd}: ${r.stdout}${r.stderr}`);
  return { seconds: s!, rssKiB: m! };
}

const data = join(dir, "data.csv");
writeData(data, MB * 1e6);
const rawBytes = statSync(data).size;
/** `env`: prefix of the dsp command (xz-builtin: the same .xz with DSP_XZ_DECODER=builtin, no liblzma). */
const formats: Record<string, { make: () => void; file: string; native: string; env?: string }> = {
  gz: { make: () => sh(["bash", "-c", "gzip -6 -c data.csv > data.csv.gz"]), file: "data.csv.gz", native: "gzip -dc data.csv.gz" },
  "tar.gz": { make: () => sh(["tar", "czf", "data.tar.gz", "data.csv"]), file: "data.tar.gz", native: "tar -xzOf data.tar.gz" },
  zip: { make: () => sh(["zip", "-q", "-6", "data.zip", "data.csv"]), file: "data.zip", native: "unzip -p data.zip" },
  bz2: { make: () => sh(["bash", "-c", "bzip2 -9 -c data.csv > data.csv.bz2"]), file: "data.csv.bz2", native: "bzip2 -dc data.csv.bz2" },
  xz: { make: () => sh(["bash", "-c", "xz -6 -T1 -c data.csv > data.csv.xz"]), file: "data.csv.xz", native: "xz -dc -T1 data.csv.xz" },
  "xz-builtin": { make: () => sh(["bash", "-c", "test -f data.csv.xz || xz -6 -T1 -c data.csv > data.csv.xz"]), file: "data.csv.xz", native: "xz -dc -T1 data.csv.xz", env: "DSP_XZ_DECODER=builtin " },
  "7z": { make: () => sh(["7zz", "a", "-bd", "-mx=5", "-mmt=1", "data.7z", "data.csv"]), file: "data.7z", native: "7zz x -so -mmt=1 data.7z" },
};
const chosen = values.formats!.split(",").filter((f) => formats[f]);
for (const f of chosen) formats[f]!.make();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`input: ${(rawBytes / 1e6).toFixed(0)} MB of CSV-like text; ${ROUNDS} interleaved rounds, medians; dsp = compiled binary (dsp inspect)\n`);
console.log("format   size MB   native MB/s  RSS MiB   dsp MB/s  RSS MiB   dsp/native");
for (const f of chosen) {
  const spec = formats[f]!;
  const native: { seconds: number; rssKiB: number }[] = [];
  const dsp: { seconds: number; rssKiB: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    native.push(timed(spec.native));
    dsp.push(timed(`${spec.env ?? ""}${DSP} inspect ${spec.file}`));
  }
  const ns = median(native.map((x) => x.seconds));
  const ds = median(dsp.map((x) => x.seconds));
  const nm = rawBytes / 1e6 / ns;
  const dm = rawBytes / 1e6 / ds;
  console.log(
    `${f.padEnd(8)} ${(statSync(join(dir, spec.file)).size / 1e6).toFixed(1).padStart(7)}   ${nm.toFixed(1).padStart(10)}  ${(median(native.map((x) => x.rssKiB)) / 1024).toFixed(0).padStart(7)}   ${dm.toFixed(1).padStart(8)}  ${(median(dsp.map((x) => x.rssKiB)) / 1024).toFixed(0).padStart(7)}   ${(dm / nm).toFixed(2).padStart(9)}×`,
  );
}
