/**
 * Conversion benchmark: the compiled binary (`dsp convert`, the code `dsp run` uses before
 * uploading; with its encoding worker, and --single-thread) against DuckDB (@duckdb/node-api,
 * threads=1 and threads=2, ZSTD) on the same generated CSV and JSON Lines files in the same run.
 * The reference shape: int id, float, short string, ISO timestamp, boolean, nullable int,
 * date.
 *
 *   bun scripts/build.ts && bun scripts/bench-convert.ts [--mb 500] [--rounds 3] [--format csv,jsonl]
 *     [--baseline OLD_DSP_BINARY]   (adds an older build's two modes to every round: before/after)
 *
 * Per run: wall time, peak RSS and CPU time from GNU time (see bench/measure.ts for why), output
 * size. Rounds are interleaved (each round runs every tool once, order rotated), medians reported.
 * Every output is checked: DuckDB must read the same row count from it.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeReferenceCsv, writeReferenceJsonl } from "../test/support/table-data.ts";
import { logTail, measure, type Measurement } from "./bench/measure.ts";

const root = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: { mb: { type: "string", default: "500" }, rounds: { type: "string", default: "3" }, format: { type: "string", default: "csv,jsonl" }, baseline: { type: "string" } },
});
const targetBytes = Number(values.mb) * 1e6;
const rounds = Number(values.rounds);
const scratch = mkdtempSync(join(tmpdir(), "dsp-bench-convert-"));
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" };

interface Tool {
  name: string;
  argv: (input: string, output: string) => string[];
}
const tools: Tool[] = [
  { name: "dsp convert (zstd)", argv: (i, o) => [join(root, "dist/dsp"), "convert", i, "-o", o] },
  { name: "dsp convert --single-thread (zstd)", argv: (i, o) => [join(root, "dist/dsp"), "convert", i, "-o", o, "--single-thread"] },
  { name: "DuckDB threads=1 (zstd)", argv: (i, o) => [process.execPath, join(root, "scripts/bench/duckdb-convert.ts"), i, o, "1"] },
  { name: "DuckDB threads=2 (zstd)", argv: (i, o) => [process.execPath, join(root, "scripts/bench/duckdb-convert.ts"), i, o, "2"] },
];
const baseline = values.baseline;
if (baseline) {
  tools.push(
    { name: "baseline dsp convert (zstd)", argv: (i, o) => [baseline, "convert", i, "-o", o] },
    { name: "baseline dsp convert --single-thread (zstd)", argv: (i, o) => [baseline, "convert", i, "-o", o, "--single-thread"] },
  );
}

try {
  for (const format of values.format.split(",")) await benchFormat(format);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

async function benchFormat(format: string): Promise<void> {
  const input = join(scratch, `reference.${format}`);
  const perRow = format === "jsonl" ? 150 : 68;
  const rows = Math.round(targetBytes / perRow);
  const inputBytes = format === "jsonl" ? writeReferenceJsonl(input, rows, 42) : writeReferenceCsv(input, rows, 42);
  console.log(`\n${format}: ${rows.toLocaleString()} rows, ${(inputBytes / 1e6).toFixed(1)} MB; ${rounds} rounds`);
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  const results = new Map<string, { m: Measurement; out: number }[]>();
  for (let round = 0; round < rounds; round++) {
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
    for (const tool of order) {
      const output = join(scratch, "out.parquet");
      rmSync(output, { force: true });
      const m = await measure({ argv: tool.argv(input, output), env }, join(scratch, "run.log"));
      if (m.exitCode !== 0) throw new Error(`${tool.name} exited ${m.exitCode}: ${logTail(join(scratch, "run.log"))}`);
      const n = Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet('${output}')`)).getRows()[0]![0]);
      if (n !== rows) throw new Error(`${tool.name}: ${n} rows read back, expected ${rows}`);
      const out = statSync(output).size;
      results.set(tool.name, [...(results.get(tool.name) ?? []), { m, out }]);
      console.log(`  round ${round + 1}: ${tool.name}: ${m.wallS.toFixed(2)} s, ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB, out ${(out / 1e6).toFixed(1)} MB`);
    }
  }
  db.closeSync();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (name: string) => {
    const r = results.get(name)!;
    const wall = median(r.map((x) => x.m.wallS));
    const cpu = median(r.map((x) => x.m.cpuS));
    return { name, wall, mbps: inputBytes / 1e6 / wall, mbPerCpuS: inputBytes / 1e6 / cpu, rss: median(r.map((x) => x.m.peakRssBytes)) / 2 ** 20, out: median(r.map((x) => x.out)) };
  };
  const dsp = row(tools[0]!.name);
  console.log(`\n${format}, ${(inputBytes / 1e6).toFixed(0)} MB, load average before: ${loadavg()[0]!.toFixed(2)}`);
  console.log(`| tool | median s | MB/s | MB per CPU-s | peak RSS MiB | output % of input | dsp speed / tool | dsp RSS / tool |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const t of tools) {
    const r = row(t.name);
    const ratio = t === tools[0] ? "" : `${(r.wall / dsp.wall).toFixed(2)}×`;
    const rssRatio = t === tools[0] ? "" : `${(dsp.rss / r.rss).toFixed(2)}×`;
    console.log(`| ${r.name} | ${r.wall.toFixed(2)} | ${r.mbps.toFixed(1)} | ${r.mbPerCpuS.toFixed(1)} | ${r.rss.toFixed(0)} | ${((100 * r.out) / inputBytes).toFixed(1)} | ${ratio} | ${rssRatio} |`);
  }
  // The goals, each a ratio of medians from this run: DuckDB's time over dsp's (above 1: dsp faster).
  const single = row(tools[1]!.name);
  const t1 = row(tools[2]!.name);
  const t2 = row(tools[3]!.name);
  console.log(
    `\ngoals: --single-thread vs DuckDB threads=1 ${(t1.wall / single.wall).toFixed(2)}× (≥ 1.2), ` +
      `two workers vs DuckDB threads=2 ${(t2.wall / dsp.wall).toFixed(2)}× (≥ 1.0), ` +
      `--single-thread peak RSS ${single.rss.toFixed(0)} MiB (≤ 128), ` +
      `output ${((100 * Math.max(dsp.out, single.out)) / t1.out).toFixed(1)}% of DuckDB's (≤ 100)`,
  );
}
