/**
 * The writer's contract with its caller and its sink: streaming order, backpressure, ownership of
 * the handed-out arrays, input validation and misuse (concurrent calls, use after finish or after
 * a sink failure).
 */

import { describe, expect, test } from "bun:test";
import type { ByteSinkFn, ColumnChunk, ColumnSpec } from "../../../../src/convert/column-types.ts";
import { ParquetWriter } from "../../../../src/convert/parquet/parquet-writer.ts";
import { columnChunk, readWithHyparquet } from "./parquet-test-support.ts";

const SCHEMA: ColumnSpec[] = [
  { name: "id", type: "INT64" },
  { name: "name", type: "STRING" },
];

function rowGroup(first: number, rows: number): ColumnChunk[] {
  return [
    columnChunk("INT64", Array.from({ length: rows }, (_, i) => BigInt(first + i))),
    columnChunk("STRING", Array.from({ length: rows }, (_, i) => `name ${first + i}`)),
  ];
}

function collectingWriter(extra: Partial<ConstructorParameters<typeof ParquetWriter>[0]> = {}) {
  const chunks: Uint8Array[] = [];
  const write: ByteSinkFn = async (chunk) => {
    chunks.push(chunk);
  };
  const writer = new ParquetWriter({ schema: SCHEMA, compression: "ZSTD", keyValueMetadata: {}, write, ...extra });
  return { writer, chunks, bytes: () => new Uint8Array(Buffer.concat(chunks)) };
}

const PAR1 = [0x50, 0x41, 0x52, 0x31];

describe("ParquetWriter streaming", () => {
  test("PAR1 first, each row group fully written before writeRowGroup resolves, footer last", async () => {
    const { writer, chunks, bytes } = collectingWriter();
    expect(writer.bytesWritten).toBe(0);
    await writer.writeRowGroup(rowGroup(0, 100));
    expect([...chunks[0]!]).toEqual(PAR1);
    const afterFirst = writer.bytesWritten;
    expect(afterFirst).toBe(bytes().length);
    expect(chunks.length).toBe(1 + SCHEMA.length); // magic + one chunk per column
    await writer.writeRowGroup(rowGroup(100, 50));
    expect(writer.bytesWritten).toBeGreaterThan(afterFirst);
    expect(writer.rowsWritten).toBe(150);
    await writer.finish();
    const file = bytes();
    expect(writer.bytesWritten).toBe(file.length);
    expect([...file.subarray(file.length - 4)]).toEqual(PAR1);
    const footerLength = new DataView(file.buffer, file.byteOffset).getUint32(file.length - 8, true);
    expect(footerLength).toBe(chunks.at(-1)!.length - 8);
    const rows = await readWithHyparquet(file);
    expect(rows.length).toBe(150);
    expect(rows[149]).toEqual({ id: 149n, name: "name 149" });
  });

  test("a slow sink holds the writer back: writeRowGroup resolves only after the sink does", async () => {
    const releases: (() => void)[] = [];
    const writer = new ParquetWriter({
      schema: SCHEMA,
      compression: "SNAPPY",
      keyValueMetadata: {},
      write: () => new Promise<void>((resolve) => releases.push(resolve)),
    });
    let done = false;
    const pending = writer.writeRowGroup(rowGroup(0, 10)).then(() => (done = true));
    for (let expectedCalls = 1; expectedCalls <= 1 + SCHEMA.length; expectedCalls++) {
      await Bun.sleep(5);
      expect(releases.length).toBe(expectedCalls); // one write at a time, each awaited
      expect(done).toBe(false);
      releases[expectedCalls - 1]!();
    }
    await pending;
    expect(done).toBe(true);
  });

  test("arrays handed to the sink are never modified afterwards", async () => {
    const handed: { chunk: Uint8Array; copy: Uint8Array }[] = [];
    const writer = new ParquetWriter({
      schema: SCHEMA,
      compression: "ZSTD",
      keyValueMetadata: {},
      write: async (chunk) => {
        handed.push({ chunk, copy: chunk.slice() });
      },
    });
    for (let g = 0; g < 5; g++) await writer.writeRowGroup(rowGroup(g * 1000, 1000));
    await writer.finish();
    for (const { chunk, copy } of handed) expect(chunk).toEqual(copy);
  });

  test("row groups without rows are skipped", async () => {
    const { writer, bytes } = collectingWriter();
    await writer.writeRowGroup(rowGroup(0, 0));
    await writer.writeRowGroup(rowGroup(0, 3));
    await writer.writeRowGroup(rowGroup(3, 0));
    await writer.finish();
    expect((await readWithHyparquet(bytes())).map((r) => r.id)).toEqual([0n, 1n, 2n]);
  });
});

describe("ParquetWriter input validation", () => {
  test("rejects bad schemas and options up front", () => {
    const base = { compression: "ZSTD" as const, keyValueMetadata: {}, write: async () => {} };
    expect(() => new ParquetWriter({ ...base, schema: [] })).toThrow(/no columns/);
    expect(() => new ParquetWriter({ ...base, schema: [SCHEMA[0]!, SCHEMA[0]!] })).toThrow(/duplicate Parquet column name "id"/);
    expect(() => new ParquetWriter({ ...base, schema: [{ name: "x", type: "UUID" as never }] })).toThrow(/unknown column type/);
    expect(() => new ParquetWriter({ ...base, schema: SCHEMA, compression: "GZIP" as never })).toThrow(/unsupported Parquet compression/);
    expect(() => new ParquetWriter({ ...base, schema: SCHEMA, pageSizeBytes: 0 })).toThrow(/pageSizeBytes/);
  });

  test("rejects inconsistent row groups with a clear message and stays usable", async () => {
    const { writer, bytes } = collectingWriter();
    const good = rowGroup(0, 4);
    await expect(writer.writeRowGroup([good[0]!])).rejects.toThrow("row group has 1 columns, schema has 2");
    await expect(writer.writeRowGroup([good[1]!, good[0]!])).rejects.toThrow('column 0 "id": chunk type STRING, schema type INT64');
    await expect(writer.writeRowGroup([good[0]!, rowGroup(0, 5)[1]!])).rejects.toThrow('column 1 "name": 5 rows, column 0 has 4');
    const shortValues = { ...good[0]!, values: new BigInt64Array(2) } as ColumnChunk;
    await expect(writer.writeRowGroup([shortValues, good[1]!])).rejects.toThrow("2 values for 4 rows");
    const shortNulls = { ...good[0]!, nulls: new Uint8Array(1) } as ColumnChunk;
    await expect(writer.writeRowGroup([shortNulls, good[1]!])).rejects.toThrow("null mask has 1 entries for 4 rows");
    const strings = good[1] as Extract<ColumnChunk, { data: Uint8Array }>;
    const decreasing = { ...strings, offsets: Int32Array.of(0, 5, 3, 8, 10) };
    await expect(writer.writeRowGroup([good[0]!, decreasing])).rejects.toThrow("offsets decrease at row 1");
    const pastEnd = { ...strings, offsets: Int32Array.of(0, 1, 2, 3, 999) };
    await expect(writer.writeRowGroup([good[0]!, pastEnd])).rejects.toThrow("past data length");
    expect(writer.bytesWritten).toBe(0);
    await writer.writeRowGroup(good);
    await writer.finish();
    expect((await readWithHyparquet(bytes())).length).toBe(4);
  });
});

describe("ParquetWriter misuse", () => {
  test("a second call while one is pending is refused", async () => {
    const { writer } = collectingWriter();
    const first = writer.writeRowGroup(rowGroup(0, 10));
    await expect(writer.writeRowGroup(rowGroup(10, 10))).rejects.toThrow(/while a previous call is still pending/);
    await expect(writer.finish()).rejects.toThrow(/while a previous call is still pending/);
    await first;
    await writer.finish();
  });

  test("nothing is accepted after finish", async () => {
    const { writer } = collectingWriter();
    await writer.finish();
    await expect(writer.writeRowGroup(rowGroup(0, 1))).rejects.toThrow(/after finish\(\)/);
    await expect(writer.finish()).rejects.toThrow(/after finish\(\)/);
  });

  test("a sink failure propagates and the writer refuses further work", async () => {
    let calls = 0;
    const writer = new ParquetWriter({
      schema: SCHEMA,
      compression: "ZSTD",
      keyValueMetadata: {},
      write: async () => {
        if (++calls === 2) throw new Error("S3 said no");
      },
    });
    await expect(writer.writeRowGroup(rowGroup(0, 10))).rejects.toThrow("S3 said no");
    await expect(writer.writeRowGroup(rowGroup(0, 10))).rejects.toThrow(/after an earlier write failed/);
    await expect(writer.finish()).rejects.toThrow(/after an earlier write failed/);
  });
});
