/**
 * Differential test of the whole CSV → Parquet conversion against DuckDB: random CSVs (each of the
 * four delimiters, random quoting, quotes and line breaks inside fields, unicode, nulls and quoted
 * empties, integers, decimals, dates, timestamps, booleans, text that only looks typed) are
 * converted, and DuckDB reads the source with the column types dsp chose: every value must be
 * equal, both ways. Every other file is encoded in the worker thread. Seeded; DSP_CONVERT_SEED=<seed>
 * replays a failure.
 */
import { afterAll, expect, test } from "bun:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertCsv } from "../../../src/convert/csv-to-parquet.ts";
import { mulberry32, seedFrom } from "../../support/random.ts";

const dir = mkdtempSync(join(tmpdir(), "dsp-csv-duckdb-"));
let duck: DuckDBConnection | undefined;
afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});
async function sql(query: string): Promise<Record<string, unknown>[]> {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await duck.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
}
const DUCK_TYPE: Record<string, string> = {
  BOOLEAN: "BOOLEAN",
  INT64: "BIGINT",
  DOUBLE: "DOUBLE",
  DATE: "DATE",
  TIMESTAMP_UTC: "TIMESTAMPTZ",
  TIMESTAMP_LOCAL: "TIMESTAMP",
  STRING: "VARCHAR",
};

type Gen = (rnd: () => number) => string;
const pick = <T>(rnd: () => number, xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const WORDS = ["alpha", "Zürich", "naïve café", "日本語", "emoji 🎉", "x", "O'Brien", 'say "hi"', "a,b", "semi;colon", "pi|pe", "tab\there", "line\nbreak", "  padded  ", "007", "1e5", "true", "NULL"];
const KINDS: Record<string, Gen> = {
  int: (r) => String(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 62)))),
  decimal: (r) => ((r() - 0.5) * 10 ** Math.floor(r() * 8)).toFixed(Math.floor(r() * 4)),
  date: (r) => new Date(Date.UTC(1900 + Math.floor(r() * 200), Math.floor(r() * 12), 1 + Math.floor(r() * 28))).toISOString().slice(0, 10),
  tsz: (r) => new Date(Math.floor(r() * 4e12)).toISOString(),
  tslocal: (r) => new Date(Math.floor(r() * 4e12)).toISOString().slice(0, 19).replace("T", " "),
  bool: (r) => (r() < 0.5 ? "true" : "false"),
  text: (r) => pick(r, WORDS),
};

function quoteField(value: string, delimiter: string, rnd: () => number): string {
  const must = value.includes(delimiter) || value.includes('"') || value.includes("\n") || value.includes("\r") || value === "";
  return must || rnd() < 0.2 ? `"${value.replaceAll('"', '""')}"` : value;
}

test("random CSVs: every converted value equals DuckDB's reading of the source with dsp's types", async () => {
  const seed = seedFrom("DSP_CONVERT_SEED");
  const rnd = mulberry32(seed);
  for (let file = 0; file < 25; file++) {
    const delimiter = pick(rnd, [",", ";", "|", "\t"]);
    const kinds = Array.from({ length: 2 + Math.floor(rnd() * 6) }, () => pick(rnd, Object.keys(KINDS)));
    const names = kinds.map((k, i) => `${k}_${i}`);
    const lines = [names.join(delimiter)];
    const rows = 1 + Math.floor(rnd() * 300);
    for (let i = 0; i < rows; i++) {
      const cells = kinds.map((k) => {
        const roll = rnd();
        if (roll < 0.08) return ""; // NULL
        if (roll < 0.1 && k === "text") return '""'; // the empty string
        return quoteField(KINDS[k]!(rnd), delimiter, rnd);
      });
      lines.push(cells.join(delimiter));
    }
    const newline = rnd() < 0.5 ? "\n" : "\r\n";
    const text = lines.join(newline) + (rnd() < 0.7 ? newline : "");
    const src = join(dir, `f${file}.csv`);
    const out = join(dir, `f${file}.parquet`);
    writeFileSync(src, text);
    const chunks: Uint8Array[] = [];
    const bytes = new TextEncoder().encode(text);
    async function* source() {
      for (let at = 0; at < bytes.length; at += 777) yield bytes.subarray(at, at + 777);
    }
    const result = await convertCsv(source(), async (c) => void chunks.push(c.slice()), { name: src, compression: "ZSTD", rowGroupBytes: 1 << 20, keyValueMetadata: {}, parallelEncoding: file % 2 === 0 });
    writeFileSync(out, Buffer.concat(chunks));
    const where = `seed ${seed}, file ${file}, delimiter ${JSON.stringify(delimiter)}`;
    expect({ where, rows: result.rows, names: result.columns.map((c) => c.name) }).toEqual({ where, rows, names });
    const columns = result.columns.map((c) => `'${c.name}': '${DUCK_TYPE[c.type]}'`).join(", ");
    const d = delimiter === "\t" ? "\\t" : delimiter;
    const csv = `read_csv('${src}', auto_detect = false, header = true, delim = E'${d}', quote = '"', escape = '"', columns = {${columns}}, allow_quoted_nulls = false)`;
    const pq = `read_parquet('${out}')`;
    const [diff] = await sql(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${pq} EXCEPT ALL SELECT * FROM ${csv}))::INTEGER AS missing,
              (SELECT count(*) FROM (SELECT * FROM ${csv} EXCEPT ALL SELECT * FROM ${pq}))::INTEGER AS extra`,
    );
    expect({ where, ...diff } as Record<string, unknown>).toEqual({ where, missing: 0, extra: 0 });
  }
}, 120_000);
