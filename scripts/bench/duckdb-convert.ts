/**
 * The DuckDB peer of the conversion benchmark, run as its own process (so its RSS and CPU are its
 * own): CSV → Parquet with DuckDB's reader and writer, ZSTD, the given thread count.
 *   bun scripts/bench/duckdb-convert.ts IN.csv OUT.parquet THREADS
 */
import { DuckDBInstance } from "@duckdb/node-api";

const [input, output, threads] = process.argv.slice(2);
if (!input || !output || !threads) throw new Error("usage: duckdb-convert.ts IN OUT THREADS");
const db = await DuckDBInstance.create(":memory:", { threads });
const c = await db.connect();
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
await c.run(`COPY (SELECT * FROM read_csv(${quote(input)})) TO ${quote(output)} (FORMAT parquet, COMPRESSION zstd)`);
c.closeSync();
