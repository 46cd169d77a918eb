/**
 * The DuckDB peer of the conversion benchmark, run as its own process (so its RSS and CPU are its
 * own): CSV or JSON Lines → Parquet with DuckDB's reader and writer, ZSTD, the given thread count.
 *   bun scripts/bench/duckdb-convert.ts IN.csv OUT.parquet THREADS
 */
import { DuckDBInstance } from "@duckdb/node-api";

const [input, output, threads] = process.argv.slice(2);
if (!input || !output || !threads) throw new Error("usage: duckdb-convert.ts IN OUT THREADS");
const db = await DuckDBInstance.create(":memory:", { threads });
const c = await db.connect();
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const reader = input.endsWith(".jsonl") ? `read_json(${quote(input)}, format = 'newline_delimited')` : `read_csv(${quote(input)})`;
await c.run(`COPY (SELECT * FROM ${reader}) TO ${quote(output)} (FORMAT parquet, COMPRESSION zstd)`);
c.closeSync();
