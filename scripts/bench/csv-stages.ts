/**
 * Where the single-threaded CSV → Parquet time goes (not a test): reads a CSV into memory in
 * 1 MiB chunks, then times, in this process, (1) the tokenizer alone, (2) the converter's reading
 * (csv/table-reader.ts: tokenizer, fast path, typed column builders; row groups taken at 16 MiB
 * as the converter does), (3) encoding those row groups on this thread, split into zstd and the
 * rest, per column. Best of `--runs` (a shared machine: compare stages within one run).
 *
 *   bun scripts/bench/csv-stages.ts FILE.csv [--runs 3] [--level 2]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ColumnChunk } from "../../src/convert/column-types.ts";
import { CsvTokenizer } from "../../src/convert/csv/csv-tokenizer.ts";
import type { FieldView } from "../../src/convert/csv/field-view.ts";
import { sniffDialect } from "../../src/convert/csv/sniff.ts";
import { CsvTableReader } from "../../src/convert/csv/table-reader.ts";
import { ColumnBuilder, TypeInference } from "../../src/convert/infer/index.ts";
import { ColumnChunkEncoder } from "../../src/convert/parquet/column-chunk-encoder.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string", default: "3" }, level: { type: "string", default: "2" } } });
const file = positionals[0];
if (!file) throw new Error("usage: csv-stages.ts FILE.csv [--runs N]");
const whole = readFileSync(file);
const chunks: Uint8Array[] = [];
for (let at = 0; at < whole.length; at += 1 << 20) chunks.push(whole.subarray(at, Math.min(whole.length, at + (1 << 20))));
const mb = whole.length / 1e6;
const dialect = sniffDialect(whole.subarray(0, 65536), { complete: false }).dialect;

// Types from the first 10,000 rows (header skipped).
const inference = new TypeInference(0 + countFields());
{
  let seen = 0;
  const t = new CsvTokenizer(dialect, {
    row(f: FieldView) {
      if (seen++ === 0 || seen > 10_000) return;
      for (let c = 0; c < f.count; c++) inference.observe(c, f.buf, f.start[c]!, f.end[c]!, f.quoted[c] === 1);
    },
  });
  t.push(chunks[0]!);
}
const types = inference.result();
console.log(`${file}: ${mb.toFixed(1)} MB, types ${types.join(",")}`);

function countFields(): number {
  let n = 0;
  new CsvTokenizer(dialect, { row: (f: FieldView) => void (n ||= f.count) }).push(whole.subarray(0, 65536));
  return n;
}

const best = new Map<string, number>();
const note = (k: string, ms: number) => best.set(k, Math.min(best.get(k) ?? Infinity, ms));
for (let run = 0; run < Number(values.runs); run++) {
  let t0 = performance.now();
  let cells = 0;
  const tok = new CsvTokenizer(dialect, { row: (f: FieldView) => void (cells += f.count) });
  for (const c of chunks) tok.push(c);
  tok.end();
  note("tokenize", performance.now() - t0);

  t0 = performance.now();
  const builders = types.map((t) => new ColumnBuilder(t, 64 * 1024));
  const groups: ColumnChunk[][] = [];
  const reader = new CsvTableReader(dialect, types.map((type, i) => ({ name: `c${i}`, type })), builders, { skipHeader: true });
  for (const c of chunks) {
    reader.push(c);
    let size = 0;
    for (const b of builders) size += b.byteSize;
    if (size >= 16 << 20) groups.push(builders.map((b) => b.take()));
  }
  reader.end();
  groups.push(builders.map((b) => b.take()));
  note("tokenize+build", performance.now() - t0);

  const realZstd = Bun.zstdCompressSync;
  let zstdMs = 0;
  (Bun as { zstdCompressSync: typeof realZstd }).zstdCompressSync = ((b: Uint8Array, o: { level: number }) => {
    const z0 = performance.now();
    const r = realZstd(b, o);
    zstdMs += performance.now() - z0;
    return r;
  }) as typeof realZstd;
  const enc = new ColumnChunkEncoder("ZSTD", { pageSizeBytes: 1 << 20, dictionaryPageSizeBytes: 1 << 20, maxPageRows: 1 << 17 }, Number(values.level));
  const perColumn = new Float64Array(types.length);
  const perColumnBytes = new Float64Array(types.length);
  t0 = performance.now();
  for (const g of groups)
    g.forEach((c, i) => {
      const c0 = performance.now();
      perColumnBytes[i]! += enc.encode(c).bytes.length;
      perColumn[i]! += performance.now() - c0;
    });
  note("encode (all)", performance.now() - t0);
  note("  of which zstd", zstdMs);
  (Bun as { zstdCompressSync: typeof realZstd }).zstdCompressSync = realZstd;
  if (run === 0) types.forEach((t, i) => console.log(`  column ${i} ${t}: encode ${perColumn[i]!.toFixed(0)} ms, ${(perColumnBytes[i]! / 1e6).toFixed(2)} MB`));
}
for (const [k, ms] of best) console.log(`${k.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms  ${((mb * 1000) / ms).toFixed(0).padStart(5)} MB/s`);
