/**
 * JSON Lines → Parquet benchmark (not a test): dsp's convertJsonl against DuckDB's read_json on
 * the same generated file, in this process: one thread each, then two (dsp's parallelEncoding
 * encodes row groups in a worker; DuckDB threads=2). Also the same rows as a top-level
 * array (.json) through convertJson, and the byte-level parse alone (no builders, no Parquet) so
 * the cost splits into parsing and building/writing. Prints MB/s of input.
 *
 *   bun test/unit/convert/json/bench-json.ts [--mb 100] [--rounds 3]
 *
 * The reference rows (test/support/table-data.ts): int id, double, short string, ISO timestamp,
 * boolean, nullable int, date. Median of the rounds; outputs are checked to hold every row.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { convertJson, convertJsonl } from "../../../../src/convert/json/json-to-parquet.ts";
import { RecordStream } from "../../../../src/convert/json/record-stream.ts";
import type { TableConverter } from "../../../../src/convert/table-converter.ts";
import { writeReferenceJsonl } from "../../../support/table-data.ts";

const { values } = parseArgs({ options: { mb: { type: "string", default: "100" }, rounds: { type: "string", default: "3" } } });
const targetBytes = Number(values.mb) * 1e6;
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), "dsp-bench-json-"));
const CHUNK = 1024 * 1024;

function* chunksOf(path: string): Generator<Uint8Array> {
  const fd = openSync(path, "r");
  const buf = new Uint8Array(CHUNK); // reused, as the pipeline does
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

async function* source(path: string): AsyncGenerator<Uint8Array> {
  yield* chunksOf(path);
}

async function runDsp(convert: TableConverter, path: string, out: string, parallelEncoding = false): Promise<number> {
  const fd = openSync(out, "w");
  try {
    const r = await convert(source(path), async (chunk) => void writeFileSync(fd, chunk), {
      name: path,
      compression: "ZSTD",
      rowGroupBytes: 16 * 1024 * 1024, // the default (DSP_PARQUET_ROW_GROUP_SIZE)
      keyValueMetadata: {},
      parallelEncoding,
    });
    return r.rows;
  } finally {
    closeSync(fd);
  }
}

/**
 * The alternative measured in the issue: split complete lines per chunk, decode, and hand them to
 * native JSON.parse as one array; with `source`, a reviver keeps each number's source text (Bun's
 * JSON.parse passes context.source), which exactness needs (integers beyond 2^53). JS objects
 * only, no columns: an upper bound for that design's speed.
 */
function nativeParse(path: string, source: boolean): number {
  const decoder = new TextDecoder();
  const reviver = (_key: string, value: unknown, context?: { source?: string }) => (typeof value === "number" ? context?.source : value);
  let n = 0;
  let rest = "";
  for (const chunk of chunksOf(path)) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const last = text.lastIndexOf("\n");
    rest = text.slice(last + 1);
    const batch = `[${text.slice(0, last).replaceAll("\n", ",")}]`;
    n += (source ? JSON.parse(batch, reviver as never) : JSON.parse(batch)).length;
  }
  return n;
}

function parseOnly(path: string, lines: boolean): number {
  let n = 0;
  const stream = new RecordStream(lines, { record: () => void n++ });
  for (const chunk of chunksOf(path)) stream.push(chunk);
  stream.end();
  return n;
}

try {
  const jsonl = join(dir, "reference.jsonl");
  const rows = Math.round(targetBytes / 133); // a reference record is about 133 bytes
  const bytes = writeReferenceJsonl(jsonl, rows, 42);
  // The same records as one pretty top-level array: `[` + records joined by `,\n` + `]`.
  const json = join(dir, "reference.json");
  const text = await Bun.file(jsonl).text();
  writeFileSync(json, `[\n${text.trimEnd().split("\n").join(",\n")}\n]\n`);
  const jsonBytes = statSync(json).size;
  console.log(`input: ${rows.toLocaleString()} rows, ${(bytes / 1e6).toFixed(1)} MB JSONL; ${rounds} rounds`);

  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const c = await db.connect();
  await c.run("SET threads=1");
  const count = async (p: string) => Number((await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${p}')`)).getRows()[0]![0]);
  const times = new Map<string, number[]>();
  const time = async (name: string, f: () => Promise<unknown> | unknown) => {
    Bun.gc(true); // each run starts from a collected heap: no garbage of the previous one to pay for
    const t0 = performance.now();
    await f();
    const s = (performance.now() - t0) / 1000;
    times.set(name, [...(times.get(name) ?? []), s]);
  };
  const out = join(dir, "out.parquet");
  for (let round = 0; round < rounds; round++) {
    await time("dsp convertJsonl (zstd)", async () => {
      if ((await runDsp(convertJsonl, jsonl, out)) !== rows) throw new Error("row count");
    });
    if ((await count(out)) !== rows) throw new Error("dsp output row count");
    await time("dsp convertJsonl, parallelEncoding (zstd)", async () => {
      if ((await runDsp(convertJsonl, jsonl, out, true)) !== rows) throw new Error("row count");
    });
    if ((await count(out)) !== rows) throw new Error("dsp output row count");
    await time("dsp convertJson, array (zstd)", async () => {
      if ((await runDsp(convertJson, json, out)) !== rows) throw new Error("row count");
    });
    await time("DuckDB read_json threads=1 (zstd)", () =>
      c.run(`COPY (SELECT * FROM read_json('${jsonl}', format='newline_delimited')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`),
    );
    if ((await count(out)) !== rows) throw new Error("DuckDB output row count");
    await c.run("SET threads=2");
    await time("DuckDB read_json threads=2 (zstd)", () =>
      c.run(`COPY (SELECT * FROM read_json('${jsonl}', format='newline_delimited')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`),
    );
    await c.run("SET threads=1");
    await time("dsp parse only (JSONL)", () => {
      if (parseOnly(jsonl, true) !== rows) throw new Error("parse count");
    });
    await time("alternative: native JSON.parse per 1 MiB batch, parse only", () => {
      if (nativeParse(jsonl, false) !== rows) throw new Error("parse count");
    });
    await time("alternative: native JSON.parse + reviver with context.source, parse only", () => {
      if (nativeParse(jsonl, true) !== rows) throw new Error("parse count");
    });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log("| what | median s | MB/s |\n| --- | --- | --- |");
  for (const [name, xs] of times) {
    const size = name.includes("array") ? jsonBytes : bytes;
    console.log(`| ${name} | ${median(xs).toFixed(2)} | ${(size / 1e6 / median(xs)).toFixed(1)} |`);
  }
  c.closeSync();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
