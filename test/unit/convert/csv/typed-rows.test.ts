/**
 * The CSV fast path (typed-rows.ts) against the general path alone: random files (typed columns
 * with values that fit and values that do not, random quoting, doubled quotes, quoted line breaks,
 * LF / CRLF / lone CR line ends, blank lines, unicode, invalid UTF-8, ragged rows, a header,
 * sometimes a small row size limit)
 * cut into random chunks are read twice, once with every row going through the FieldView and
 * ColumnBuilder.append, once with the fast path offered every row. The column chunks must be
 * identical byte for byte, and so must the failure (error code, line, column; or the column and
 * line a widening is asked for). Seeded: DSP_TYPED_ROWS_SEED=<seed> replays a failure.
 */
import { expect, test } from "bun:test";
import type { ColumnChunk, ColumnType } from "../../../../src/convert/column-types.ts";
import { CsvError } from "../../../../src/convert/csv/csv-error.ts";
import { CsvTokenizer } from "../../../../src/convert/csv/csv-tokenizer.ts";
import { TypedRowParser } from "../../../../src/convert/csv/typed-rows.ts";
import { ColumnBuilder } from "../../../../src/convert/infer/column-builder.ts";
import { mulberry32, seedFrom } from "../../../support/random.ts";

const TYPES: ColumnType[] = ["INT64", "DOUBLE", "STRING", "BOOLEAN", "DATE", "TIMESTAMP_UTC", "TIMESTAMP_LOCAL"];
const VALUES: Record<string, string[]> = {
  INT64: ["0", "42", "-7", "123456789012", "9223372036854775807", "1234567890123456789"],
  DOUBLE: ["1.5", "-0.25", "3", ".5", "1e3", "12345678901234567", "0"],
  STRING: ["abc", "Zürich", "日本語", "5'11\"", "x y", "🎉"],
  BOOLEAN: ["true", "false"],
  DATE: ["2024-02-29", "1999-12-31", "0001-01-01"],
  TIMESTAMP_UTC: ["2024-01-01T00:00:00Z", "2024-06-01 12:30:00.5+02:00"],
  TIMESTAMP_LOCAL: ["2024-01-01T00:00:00", "2024-06-01 12:30"],
};
const MISFITS = ["007", "NaN", "TRUE", "2024-13-01", "abc", "1.5", "2024-01-01"];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function makeCsv(r: () => number, types: ColumnType[], delimiter: string): Uint8Array {
  const newline = pick(r, ["\n", "\r\n", "\r"]);
  const lines: string[] = [types.map((t, i) => `${t.toLowerCase()}_${i}`).join(delimiter)];
  const rows = 1 + Math.floor(r() * 60);
  for (let k = 0; k < rows; k++) {
    if (r() < 0.03) {
      lines.push(""); // blank line
      continue;
    }
    let width = types.length;
    if (r() < 0.01) width += r() < 0.5 ? -1 : 1; // ragged
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      const type = types[Math.min(c, types.length - 1)]!;
      const roll = r();
      let v = roll < 0.08 ? "" : roll < 0.083 ? pick(r, MISFITS) : pick(r, VALUES[type]!);
      const q = r();
      // Doubled quotes and line breaks only in STRING columns: elsewhere they make a misfit.
      if (q < 0.04 && type === "STRING") v = `"${v}""q"""`;
      else if (q < 0.06 && type === "STRING") v = `"${v}\nmore"`;
      else if (q < 0.2 || v.includes(delimiter) || v.includes('"')) v = `"${v.replaceAll('"', '""')}"`;
      cells.push(v);
    }
    lines.push(cells.join(delimiter));
  }
  const bytes = new TextEncoder().encode(lines.join(newline) + (r() < 0.7 ? newline : ""));
  if (r() < 0.05) bytes[Math.floor(r() * bytes.length)] = 0xff; // invalid UTF-8 (or a broken delimiter)
  return bytes;
}

interface Outcome {
  chunks: string[];
  rows: number;
  failure: string | null;
}

let takenByFastPath = 0;

function read(bytes: Uint8Array, types: ColumnType[], delimiter: number, cuts: number[], fast: boolean, maxRowBytes?: number): Outcome {
  const builders = types.map((t) => new ColumnBuilder(t, 8));
  const chunks: string[] = [];
  const fastRows = new TypedRowParser({ delimiter, quote: 0x22 }, builders);
  let header = true;
  let rows = 0;
  let failure: string | null = null;
  const tokenizer = new CsvTokenizer(
    { delimiter, quote: 0x22 },
    {
      row(f, line) {
        if (header) {
          header = false;
          fastRows.enabled = true;
          return;
        }
        if (f.count !== types.length) throw new Error(`ragged ${line}`);
        for (let c = 0; c < f.count; c++) {
          const quoted = f.quoted[c] === 1;
          if (!quoted && f.start[c] === f.end[c]) builders[c]!.appendNull();
          else if (!builders[c]!.append(f.buf, f.start[c]!, f.end[c]!, quoted)) throw new Error(`widen column ${c} at line ${line}`);
        }
        rows++;
      },
    },
    fast ? { fastRows, maxRowBytes } : { maxRowBytes },
  );
  try {
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      tokenizer.push(bytes.slice(at, Math.max(at, cut)));
      at = Math.max(at, cut);
      // Take a row group now and then, as the converter does between chunks.
      if (builders[0]!.rows > 20) chunks.push(...builders.map((b) => describe(b.take())));
    }
    tokenizer.end();
  } catch (err) {
    failure = err instanceof CsvError ? `${err.code} ${err.line}:${err.column}` : String(err);
  }
  chunks.push(...builders.map((b) => describe(b.take())));
  takenByFastPath += fastRows.rows;
  return { chunks, rows: rows + (fast ? fastRows.rows : 0), failure };
}

function describe(chunk: ColumnChunk): string {
  const parts: string[] = [chunk.type, String(chunk.rows), [...chunk.nulls.subarray(0, chunk.rows)].join("")];
  if ("values" in chunk) parts.push([...new Uint8Array(chunk.values.buffer, chunk.values.byteOffset, chunk.values.byteLength)].join(","));
  else parts.push(new TextDecoder().decode(chunk.data), [...chunk.offsets].join(","));
  return parts.join("|");
}

test("the fast path builds the same chunks and fails the same way as the general path", () => {
  const seed = seedFrom("DSP_TYPED_ROWS_SEED");
  const r = mulberry32(seed);
  for (let file = 0; file < 1500; file++) {
    const types = Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(r, TYPES));
    const delimiter = pick(r, [",", ";", "\t", "|"]);
    const bytes = makeCsv(r, types, delimiter);
    const cuts = Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * bytes.length)).sort((a, b) => a - b);
    const maxRowBytes = r() < 0.1 ? 20 + Math.floor(r() * 100) : undefined; // rows over the limit fail the same way
    const general = read(bytes, types, delimiter.charCodeAt(0), cuts, false, maxRowBytes);
    const fast = read(bytes, types, delimiter.charCodeAt(0), cuts, true, maxRowBytes);
    const where = { seed, file, text: new TextDecoder().decode(bytes).slice(0, 300), cuts, maxRowBytes };
    expect({ where, ...fast }).toEqual({ where, ...general });
  }
  expect(takenByFastPath).toBeGreaterThan(3000);
});
