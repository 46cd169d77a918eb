/**
 * User story 3 end to end with the compiled binary and the real S3 server: table exports become
 * `<name>.parquet` at the same path and the export itself is never uploaded; a million rows come
 * back from the Parquet exactly as DuckDB reads them from the CSV (and pyarrow agrees); regular files next to them go up
 * unchanged; a value the sample did not foresee widens the column and converts again (aborting the
 * multipart upload already under way); a broken export goes to the error folder with its line
 * number while the rest goes on.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { settledViolations } from "../harness/invariants.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { mulberry32 } from "../support/random.ts";
import { writeReferenceCsv } from "../support/table-data.ts";

const MiB = 1024 ** 2;
let duck: DuckDBConnection | undefined;
async function sql(query: string): Promise<Record<string, unknown>[]> {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await duck.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
}
afterAll(() => duck?.closeSync());

/** The object downloaded next to the test's files, for DuckDB to read. */
async function download(bucket: TestBucket, key: string, wd: WorkDir): Promise<string> {
  const path = join(wd.root, key.replaceAll("/", "_"));
  writeFileSync(path, await bucket.bytes(key));
  return path;
}

describe("US3: table exports become Parquet", () => {
  test("scenario 1 and 3: only sales.parquet goes up for sales.csv, at the same path, typed, while other files go up unchanged", async () => {
    const bucket = await newBucket("us3s1");
    const wd = makeWorkDir("us3s1");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(wd.watch, "exports/2026"), { recursive: true });
    const csvBytes = writeReferenceCsv(join(wd.watch, "exports/2026/sales.csv"), 200_000);
    writeFileSync(join(wd.watch, "exports/2026/readme.txt"), "not a table");
    writeFileSync(join(wd.watch, "exports/2026/codes.tsv"), "zip\tcity\n00501\tHoltsville\n02134\tAllston\n");
    const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(r.code).toBe(0);
    expect(await bucket.keys()).toEqual(["exports/2026/codes.parquet", "exports/2026/readme.txt", "exports/2026/sales.parquet"]);
    expect(new TextDecoder().decode(await bucket.bytes("exports/2026/readme.txt"))).toBe("not a table");
    const head = await bucket.head("exports/2026/sales.parquet");
    expect(head.contentType).toBe("application/vnd.apache.parquet");
    expect(head.metadata["dsp-source"]).toBe(encodeURIComponent("exports/2026/sales.csv"));
    expect(head.size).toBeLessThan(csvBytes * 0.4);
    const uploaded = r.lines.find((l) => l.msg === "uploaded" && l.file === "exports/2026/sales.csv");
    expect(uploaded).toMatchObject({ key: "exports/2026/sales.parquet", converted: "parquet", rows: 200_000, header: true });

    const sales = await download(bucket, "exports/2026/sales.parquet", wd);
    const types = await sql(`DESCRIBE SELECT * FROM read_parquet('${sales}')`);
    expect(types.map((t) => `${t.column_name}:${t.column_type}`)).toEqual([
      "id:BIGINT",
      "amount:DOUBLE",
      "name:VARCHAR",
      "created_at:TIMESTAMP WITH TIME ZONE",
      "active:BOOLEAN",
      "score:BIGINT",
      "day:DATE",
    ]);
    // Leading zeros survive: the zip codes stay text.
    const codes = await download(bucket, "exports/2026/codes.parquet", wd);
    expect(await sql(`SELECT zip, city FROM read_parquet('${codes}') ORDER BY zip`)).toEqual([
      { zip: "00501", city: "Holtsville" },
      { zip: "02134", city: "Allston" },
    ]);
    expect(await settledViolations(bucket, { watch: wd.watch, errorDir: join(wd.watch, ".dsp-errors"), stateDir: wd.state, mapKey: parquetKeys })).toEqual([]);
  });

  test("scenario 2: one million rows all come back, every value equal to DuckDB's reading of the CSV", async () => {
    const bucket = await newBucket("us3s2");
    const wd = makeWorkDir("us3s2");
    const csv = join(wd.watch, "million.csv");
    writeReferenceCsv(csv, 1_000_000, 7);
    const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_PART_SIZE: "5MiB" }), args: ["run", "--once"] });
    expect(r.code).toBe(0);
    const parquet = await download(bucket, "million.parquet", wd);
    const source = `read_csv('${csv}', header = true, columns = {'id': 'BIGINT', 'amount': 'DOUBLE', 'name': 'VARCHAR', 'created_at': 'TIMESTAMPTZ', 'active': 'BOOLEAN', 'score': 'BIGINT', 'day': 'DATE'})`;
    expect(await sql(`SELECT count(*)::INTEGER AS n FROM read_parquet('${parquet}')`)).toEqual([{ n: 1_000_000 }]);
    // Both directions of the difference are empty: same rows, same values, same nulls.
    expect(await sql(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM read_parquet('${parquet}') EXCEPT ALL SELECT * FROM ${source})`)).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${source} EXCEPT ALL SELECT * FROM read_parquet('${parquet}'))`)).toEqual([{ n: 0 }]);

    // A second, independent reader: pyarrow sees the same types and the same values (exact
    // aggregates of every column, compared with DuckDB's of the same file).
    const py = Bun.spawnSync(["python3", join(import.meta.dir, "../support/pyarrow-summary.py"), parquet]);
    expect(py.stderr.toString()).toBe("");
    const arrow = JSON.parse(py.stdout.toString());
    expect(arrow.types).toEqual({
      id: "int64",
      amount: "double",
      name: "string",
      created_at: "timestamp[us, tz=UTC]",
      active: "bool",
      score: "int64",
      day: "date32[day]",
    });
    const [d] = await sql(`SELECT count(*)::VARCHAR AS rows,
        sum(id)::VARCHAR AS id_sum, min(id)::VARCHAR AS id_min, max(id)::VARCHAR AS id_max,
        min(amount) AS amount_min, max(amount) AS amount_max, count(DISTINCT name)::INTEGER AS names,
        min(epoch_us(created_at))::VARCHAR AS ts_min, max(epoch_us(created_at))::VARCHAR AS ts_max,
        sum(epoch_us(created_at) // 1000000)::VARCHAR AS ts_seconds, count_if(active)::INTEGER AS actives,
        (count(*) - count(score))::INTEGER AS score_nulls, sum(score)::VARCHAR AS score_sum,
        sum(day - DATE '1970-01-01')::VARCHAR AS day_sum
      FROM read_parquet('${parquet}')`);
    const c = arrow.columns;
    expect({
      rows: String(arrow.rows),
      id: [c.id.sum, c.id.min, c.id.max],
      amount: [Number(c.amount.min), Number(c.amount.max)],
      names: c.name.distinct,
      ts: [c.created_at.min, c.created_at.max, c.created_at.sum_seconds],
      actives: c.active.true,
      score: [c.score.nulls, c.score.sum],
      day: c.day.sum,
    } as Record<string, unknown>).toEqual({
      rows: d!.rows,
      id: [d!.id_sum, d!.id_min, d!.id_max],
      amount: [d!.amount_min, d!.amount_max],
      names: d!.names,
      ts: [d!.ts_min, d!.ts_max, d!.ts_seconds],
      actives: d!.actives,
      score: [d!.score_nulls, d!.score_sum],
      day: d!.day_sum,
    });
  });

  test("a value the sample did not foresee widens its column: the multipart upload under way is aborted and the file converted again", async () => {
    const bucket = await newBucket("us3widen");
    const wd = makeWorkDir("us3widen");
    // 16 MiB of integers and incompressible text (beyond the 4 MiB sample, and enough Parquet for a
    // multipart upload to be under way), then one text value in the integer column.
    const rnd = mulberry32(11);
    const lines = ["n,payload"];
    let i = 0;
    for (let size = 0; size < 16 * MiB; i++) {
      const line = `${i},${Math.floor(rnd() * 2 ** 52).toString(36)}${Math.floor(rnd() * 2 ** 52).toString(36)}${Math.floor(rnd() * 2 ** 52).toString(36)}`;
      lines.push(line);
      size += line.length + 1;
    }
    lines.push("not-a-number,last");
    writeFileSync(join(wd.watch, "grow.csv"), lines.join("\n") + "\n");
    const env = dspEnv(bucket, wd, { DSP_PARQUET_ROW_GROUP_SIZE: "1MiB", DSP_PART_SIZE: "5MiB" });
    const r = await runDsp({ env, args: ["run", "--once"] });
    expect(r.code).toBe(0);
    const widened = r.lines.find((l) => l.msg === "column type widened: converting again");
    expect(widened).toMatchObject({ file: "grow.csv", column: "n", from: "INT64", to: "STRING", line: i + 2 });
    expect(r.lines.find((l) => l.msg === "uploaded")).toMatchObject({ rows: i + 1, attempts: 2 });
    expect(r.lines.some((l) => l.msg === "multipart upload aborted" && l.file === "grow.csv")).toBe(true);
    expect(await bucket.multipartUploads()).toEqual([]);
    const parquet = await download(bucket, "grow.parquet", wd);
    expect(await sql(`SELECT n FROM read_parquet('${parquet}') WHERE payload = 'last'`)).toEqual([{ n: "not-a-number" }]);
    expect(await sql(`SELECT n FROM read_parquet('${parquet}') LIMIT 1`)).toEqual([{ n: "0" }]);
  });

  test("a ragged export fails with its line number into the error folder; nothing of it is uploaded; the rest goes on", async () => {
    const bucket = await newBucket("us3bad");
    const wd = makeWorkDir("us3bad");
    writeFileSync(join(wd.watch, "bad.csv"), "a,b,c\n1,2,3\n4,5\n6,7,8\n");
    writeFileSync(join(wd.watch, "quote.csv"), 'a,b\n1,"open\n2,3\n');
    writeFileSync(join(wd.watch, "good.csv"), "a,b\n1,2\n");
    const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
    expect(r.code).toBe(3);
    expect(await bucket.keys()).toEqual(["good.parquet"]);
    const errorDir = join(wd.watch, ".dsp-errors");
    const bad = JSON.parse(readFileSync(join(errorDir, "bad.csv.error.json"), "utf8"));
    expect(bad.error).toMatchObject({ type: "CONVERT_FAILED", reason: "CSV_RAGGED_ROW", line: 3 });
    expect(bad.error.details).toContain("line 3 has 2 fields, expected 3");
    const quote = JSON.parse(readFileSync(join(errorDir, "quote.csv.error.json"), "utf8"));
    expect(quote.error).toMatchObject({ type: "CONVERT_FAILED", reason: "CSV_UNTERMINATED_QUOTE", line: 2 });
    expect(existsSync(join(wd.watch, "bad.csv"))).toBe(false);
    expect(await bucket.multipartUploads()).toEqual([]);
  });
});

describe("dsp convert: one export to Parquet without S3, as dsp run would convert it", () => {
  test("writes the Parquet where told and says what it found; a broken export exits 3 with its line; a non-table exits 2", async () => {
    const wd = makeWorkDir("convert");
    const csv = join(wd.root, "in.csv");
    writeFileSync(csv, "id;price;label\n1;2.5;a\n2;3.75;\n");
    const out = join(wd.root, "out.parquet");
    const ok = await runDsp({ env: {}, args: ["convert", csv, "-o", out] });
    expect(ok.code).toBe(0);
    expect(ok.output).toContain("2 rows, 3 columns (id:INT64, price:DOUBLE, label:STRING)");
    expect(ok.output).toContain('delimiter ";"');
    expect(await sql(`SELECT * FROM read_parquet('${out}') ORDER BY id`)).toEqual([
      { id: "1", price: 2.5, label: "a" },
      { id: "2", price: 3.75, label: null },
    ]);
    const snappy = await runDsp({ env: {}, args: ["convert", csv, "-o", out, "--compression", "snappy"] });
    expect(snappy.code).toBe(0);
    const codecs = await sql(`SELECT DISTINCT compression FROM parquet_metadata('${out}')`);
    expect(codecs).toEqual([{ compression: "SNAPPY" }]);
    expect(await sql(`SELECT count(*)::INTEGER AS n FROM read_parquet('${out}')`)).toEqual([{ n: 2 }]);
    writeFileSync(csv, "a,b\n1,2\n3\n");
    const bad = await runDsp({ env: {}, args: ["convert", csv, "-o", out] });
    expect(bad.code).toBe(3);
    expect(bad.output).toContain("CSV_RAGGED_ROW");
    expect(bad.output).toContain("line 3 has 1 fields, expected 2");
    const notTable = await runDsp({ env: {}, args: ["convert", join(wd.root, "x.pdf"), "-o", out] });
    expect(notTable.code).toBe(2);
    expect(notTable.output).toContain("not a table export");
  });
});

test("an export next to a Parquet file of the same name fails with KEY_CONFLICT; the Parquet file goes up as it is", async () => {
  const bucket = await newBucket("us3conflict");
  const wd = makeWorkDir("us3conflict");
  writeFileSync(join(wd.watch, "t.parquet"), "PAR1 not really PAR1");
  writeFileSync(join(wd.watch, "t.csv"), "a\n1\n");
  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3);
  expect(r.lines.find((l) => l.msg === "failed")).toMatchObject({ file: "t.csv", error: "KEY_CONFLICT" });
  expect(new TextDecoder().decode(await bucket.bytes("t.parquet"))).toBe("PAR1 not really PAR1");
});

test("an XML export becomes Parquet: attributes and child elements as typed columns, nested elements as JSON", async () => {
  const bucket = await newBucket("us3xml");
  const wd = makeWorkDir("us3xml");
  writeFileSync(
    join(wd.watch, "orders.xml"),
    `<?xml version="1.0" encoding="UTF-8"?>
<orders>
  <order id="1"><customer>Ada &amp; Co</customer><total>12.50</total><placed>2026-11-01T10:00:00Z</placed><items><item sku="a"/><item sku="b"/></items></order>
  <order id="2"><customer>Zoë</customer><total>7</total><placed>2026-11-02T11:30:00Z</placed></order>
</orders>
`,
  );
  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(0);
  expect(await bucket.keys()).toEqual(["orders.parquet"]);
  expect(r.lines.find((l) => l.msg === "uploaded")).toMatchObject({ rows: 2, recordElement: "order" });
  const parquet = await download(bucket, "orders.parquet", wd);
  const types = await sql(`DESCRIBE SELECT * FROM read_parquet('${parquet}')`);
  expect(types.map((t) => `${t.column_name}:${t.column_type}`)).toEqual(["id:BIGINT", "customer:VARCHAR", "total:DOUBLE", "placed:TIMESTAMP WITH TIME ZONE", "items:JSON"]);
  const rows = await sql(`SELECT id, customer, total, items FROM read_parquet('${parquet}') ORDER BY id`);
  expect(rows).toEqual([
    { id: "1", customer: "Ada & Co", total: 12.5, items: '{"item":[{"@sku":"a"},{"@sku":"b"}]}' },
    { id: "2", customer: "Zoë", total: 7, items: null },
  ]);
});

test("JSON Lines and JSON arrays become Parquet: integers beyond 2^53 kept exact, nested values as JSON", async () => {
  const bucket = await newBucket("us3json");
  const wd = makeWorkDir("us3json");
  writeFileSync(
    join(wd.watch, "events.jsonl"),
    ['{"id": 9007199254740993, "at": "2026-11-01T10:00:00Z", "tags": ["a", "b"], "ok": true}', '{"id": 2, "at": "2026-11-02T10:00:00Z", "tags": [], "ok": false}'].join("\n") + "\n",
  );
  writeFileSync(join(wd.watch, "list.json"), '[{"name": "x", "n": 1.5}, {"name": "y", "n": 2}]');
  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(0);
  expect(await bucket.keys()).toEqual(["events.parquet", "list.parquet"]);
  const events = await download(bucket, "events.parquet", wd);
  const types = await sql(`DESCRIBE SELECT * FROM read_parquet('${events}')`);
  expect(types.map((t) => `${t.column_name}:${t.column_type}`)).toEqual(["id:BIGINT", "at:TIMESTAMP WITH TIME ZONE", "tags:JSON", "ok:BOOLEAN"]);
  expect(await sql(`SELECT id::VARCHAR AS id, tags, ok FROM read_parquet('${events}') ORDER BY ok DESC`)).toEqual([
    { id: "9007199254740993", tags: '["a","b"]', ok: true },
    { id: "2", tags: "[]", ok: false },
  ]);
  const list = await download(bucket, "list.parquet", wd);
  expect(await sql(`SELECT name, n FROM read_parquet('${list}') ORDER BY name`)).toEqual([
    { name: "x", n: 1.5 },
    { name: "y", n: 2 },
  ]);
});

/** Table exports map to <name>.parquet; everything else to itself. */
function parquetKeys(rel: string): string {
  return /\.(csv|tsv|xml|json|jsonl|ndjson)$/i.test(rel) ? rel.replace(/\.[^.]+$/, ".parquet") : rel;
}
