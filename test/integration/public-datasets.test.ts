/**
 * Real public table exports (the vega-datasets npm package: airports, flights, weather, zip codes,
 * stock prices...) converted by the compiled binary (`dsp convert`, the code `dsp run` uses), then
 * compared value by value with DuckDB's own reading of the source read with the same column types:
 * same header decision and names, same row count, every value equal (EXCEPT ALL both ways). And the
 * size reduction over the corpus (SC-002: at least 60% on average).
 */
import { afterAll, expect, test } from "bun:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";

const DATA = join(import.meta.dir, "../../node_modules/vega-datasets/data");
const DUCK_TYPE: Record<string, string> = {
  BOOLEAN: "BOOLEAN",
  BIGINT: "BIGINT",
  DOUBLE: "DOUBLE",
  DATE: "DATE",
  VARCHAR: "VARCHAR",
  TIMESTAMP: "TIMESTAMP",
  "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
};

let duck: DuckDBConnection | undefined;
afterAll(() => duck?.closeSync());
async function sql(query: string): Promise<Record<string, unknown>[]> {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await duck.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
}
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

test("every CSV/TSV of vega-datasets converts, and every value equals DuckDB's reading of the source with the same types", async () => {
  const wd = makeWorkDir("datasets");
  const files = readdirSync(DATA).filter((f) => /\.(csv|tsv)$/.test(f)).sort();
  expect(files.length).toBeGreaterThan(20);
  let inBytes = 0;
  let outBytes = 0;
  const perFile: number[] = [];
  for (const f of files) {
    const src = join(DATA, f);
    const out = join(wd.root, `${f}.parquet`);
    const r = await runDsp({ env: {}, args: ["convert", src, "-o", out] });
    expect({ file: f, code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ file: f, code: 0, output: "" });

    const ours = await sql(`DESCRIBE SELECT * FROM read_parquet(${q(out)})`);
    const auto = await sql(`DESCRIBE SELECT * FROM read_csv(${q(src)})`);
    // The header decision and the names agree with DuckDB's sniffer on every file of the corpus.
    expect({ file: f, names: ours.map((c) => c.column_name) }).toEqual({ file: f, names: auto.map((c) => c.column_name) });
    const columns = ours.map((c) => `${q(String(c.column_name))}: ${q(DUCK_TYPE[String(c.column_type)] ?? "?")}`).join(", ");
    const source = `read_csv(${q(src)}, header = true, columns = {${columns}}, allow_quoted_nulls = false)`;
    const list = ours.map((c) => ident(String(c.column_name))).join(", ");
    const parquet = `read_parquet(${q(out)})`;
    const [counts] = await sql(`SELECT (SELECT count(*) FROM ${parquet})::INTEGER AS ours, (SELECT count(*) FROM ${source})::INTEGER AS duck`);
    const expected: Record<string, unknown> = { file: f, ours: counts!.duck, duck: counts!.duck };
    expect({ file: f, ...counts } as Record<string, unknown>).toEqual(expected);
    const diff = await sql(
      `SELECT (SELECT count(*) FROM (SELECT ${list} FROM ${parquet} EXCEPT ALL SELECT ${list} FROM ${source}))::INTEGER AS missing,
              (SELECT count(*) FROM (SELECT ${list} FROM ${source} EXCEPT ALL SELECT ${list} FROM ${parquet}))::INTEGER AS extra`,
    );
    const none: Record<string, unknown> = { file: f, missing: 0, extra: 0 };
    expect({ file: f, ...diff[0] } as Record<string, unknown>).toEqual(none);

    const a = statSync(src).size;
    const b = statSync(out).size;
    inBytes += a;
    outBytes += b;
    if (a >= 10_000) perFile.push(1 - b / a);
  }
  const overall = 1 - outBytes / inBytes;
  const meanRealistic = perFile.reduce((x, y) => x + y, 0) / perFile.length;
  console.log(
    `vega-datasets: ${files.length} tables, ${(inBytes / 1e6).toFixed(1)} MB → ${(outBytes / 1e6).toFixed(1)} MB: ` +
      `${(100 * overall).toFixed(1)}% smaller overall, ${(100 * meanRealistic).toFixed(1)}% on average over the ${perFile.length} files of 10 KB or more`,
  );
  // SC-002. Files of a few hundred bytes are excluded from the per-file mean: a Parquet footer
  // alone is larger than a 77-byte lookup table, and nobody exports those to save space.
  expect(overall).toBeGreaterThan(0.6);
  expect(meanRealistic).toBeGreaterThan(0.6);
}, 300_000);

test("world-countries: the XML export converts to one row per <country>, and agrees with the CSV export of the same data", async () => {
  const wd = makeWorkDir("countries");
  const dist = join(import.meta.dir, "../../node_modules/world-countries/dist");
  const fromXml = join(wd.root, "xml.parquet");
  const fromCsv = join(wd.root, "csv.parquet");
  const xml = await runDsp({ env: {}, args: ["convert", join(dist, "countries.xml"), "-o", fromXml] });
  expect(xml.code).toBe(0);
  expect(xml.output).toContain('recordPath "/countries/country"');
  expect((await runDsp({ env: {}, args: ["convert", join(dist, "countries.csv"), "-o", fromCsv] })).code).toBe(0);
  const same = await sql(
    `SELECT count(*)::INTEGER AS n FROM read_parquet(${q(fromXml)}) x JOIN read_parquet(${q(fromCsv)}) c
       ON x."cca3" = c."cca3" AND x."name.common" = c."name.common" AND x."region" = c."region" AND x."area" = c."area"`,
  );
  expect(same).toEqual([{ n: 250 }]);
  expect(await sql(`SELECT count(*)::INTEGER AS n FROM read_parquet(${q(fromXml)})`)).toEqual([{ n: 250 }]);
});

test("every JSON file of vega-datasets converts; rows, column names and every scalar value equal DuckDB's read_json with the same types", async () => {
  const wd = makeWorkDir("datasets-json");
  const files = readdirSync(DATA).filter((f) => f.endsWith(".json")).sort();
  expect(files.length).toBeGreaterThan(40);
  let inBytes = 0;
  let outBytes = 0;
  for (const f of files) {
    const src = join(DATA, f);
    const out = join(wd.root, `${f}.parquet`);
    const r = await runDsp({ env: {}, args: ["convert", src, "-o", out] });
    expect({ file: f, code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ file: f, code: 0, output: "" });
    const ours = await sql(`DESCRIBE SELECT * FROM read_parquet(${q(out)})`);
    const auto = await sql(`DESCRIBE SELECT * FROM read_json_auto(${q(src)})`);
    expect({ file: f, names: ours.map((c) => c.column_name) }).toEqual({ file: f, names: auto.map((c) => c.column_name) });
    const duckType = (t: string) => (t === "JSON" ? "JSON" : (DUCK_TYPE[t] ?? "?"));
    const columns = ours.map((c) => `${q(String(c.column_name))}: ${q(duckType(String(c.column_type)))}`).join(", ");
    const source = `read_json(${q(src)}, columns = {${columns}})`;
    // Nested values are compared as present or absent: their JSON text may differ in spacing.
    const list = ours.map((c) => (c.column_type === "JSON" ? `(${ident(String(c.column_name))} IS NULL)` : ident(String(c.column_name)))).join(", ");
    const parquet = `read_parquet(${q(out)})`;
    const diff = await sql(
      `SELECT (SELECT count(*) FROM ${parquet})::INTEGER AS ours, (SELECT count(*) FROM ${source})::INTEGER AS duck,
              (SELECT count(*) FROM (SELECT ${list} FROM ${parquet} EXCEPT ALL SELECT ${list} FROM ${source}))::INTEGER AS missing,
              (SELECT count(*) FROM (SELECT ${list} FROM ${source} EXCEPT ALL SELECT ${list} FROM ${parquet}))::INTEGER AS extra`,
    );
    const expected: Record<string, unknown> = { file: f, ours: diff[0]!.duck, duck: diff[0]!.duck, missing: 0, extra: 0 };
    expect({ file: f, ...diff[0] } as Record<string, unknown>).toEqual(expected);
    inBytes += statSync(src).size;
    outBytes += statSync(out).size;
  }
  console.log(`vega-datasets JSON: ${files.length} files, ${(inBytes / 1e6).toFixed(1)} MB → ${(outBytes / 1e6).toFixed(1)} MB (${(100 * (1 - outBytes / inBytes)).toFixed(1)}% smaller)`);
  expect(1 - outBytes / inBytes).toBeGreaterThan(0.6);
}, 300_000);
