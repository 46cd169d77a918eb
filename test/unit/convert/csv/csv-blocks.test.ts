/**
 * The block-parallel CSV path (csv/blocks.ts, block-cutter.ts, block-worker.ts) against the
 * sequential one: the same random files (typed columns, random quoting, quoted line breaks and
 * delimiters, doubled quotes, quotes inside unquoted fields, LF / CRLF / CR, blank lines, a BOM,
 * unicode, long rows) are converted
 * both ways with the same sample (so the same types), the blocks made small so that a file spans
 * many of them and they are cut everywhere. Same row count, same columns, same values read back;
 * and for broken files (a ragged row, invalid UTF-8, an unterminated quote, a value that needs a
 * wider type, all far from the start) the same error with the same line and column.
 * Seeded: DSP_BLOCKS_SEED=<seed> replays a failure.
 */
import { describe, expect, test } from "bun:test";
import { BlockCutter } from "../../../../src/convert/csv/block-cutter.ts";
import { CsvTokenizer } from "../../../../src/convert/csv/csv-tokenizer.ts";
import { convertCsvTuned } from "../../../../src/convert/csv-to-parquet.ts";
import { ConversionError, WidenNeeded } from "../../../../src/convert/table-converter.ts";
import { mulberry32, seedFrom } from "../../../support/random.ts";
import { readWithHyparquet } from "../parquet/parquet-test-support.ts";

const enc = new TextEncoder();

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

const KINDS: Record<string, (r: () => number) => string> = {
  int: (r) => String(Math.floor((r() - 0.5) * 1e6)),
  decimal: (r) => ((r() - 0.5) * 1e4).toFixed(2),
  ts: (r) => new Date(Math.floor(r() * 4e12)).toISOString(),
  date: (r) => new Date(Math.floor(r() * 4e12)).toISOString().slice(0, 10),
  bool: (r) => (r() < 0.5 ? "true" : "false"),
  text: (r) => pick(r, ["alpha", "Zürich", "日本語", 'say "hi"', "a,b", "semi;colon", "tab\there", "line\nbreak", "cr\rbreak", "crlf\r\nbreak", "", "🎉", "x".repeat(1 + Math.floor(r() * 3000))]),
};

function randomCsv(r: () => number): { text: string; delimiter: string } {
  const delimiter = pick(r, [",", ";", "\t", "|"]);
  const newline = pick(r, ["\n", "\r\n", "\n", "\r"]);
  const kinds = Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(r, Object.keys(KINDS)));
  const lines = [kinds.map((k, i) => `${k}_${i}`).join(delimiter)];
  const rows = 50 + Math.floor(r() * 1500);
  for (let i = 0; i < rows; i++) {
    if (r() < 0.01) {
      lines.push("");
      continue;
    }
    lines.push(
      kinds
        .map((k) => {
          if (r() < 0.07) return "";
          if (k === "text" && r() < 0.1) return pick(r, ['5\'11"', 'a"b', 'x""y', 'end"']); // a quote inside an unquoted field is a plain byte
          const v = KINDS[k]!(r);
          const must = v === "" || /[",;|\t\r\n]/.test(v);
          return must || r() < 0.15 ? `"${v.replaceAll('"', '""')}"` : v;
        })
        .join(delimiter),
    );
  }
  return { text: (r() < 0.2 ? "\uFEFF" : "") + lines.join(newline) + (r() < 0.7 ? newline : ""), delimiter };
}

type Outcome = { rows: number; columns: string; values: unknown[] } | { error: string };

async function convert(bytes: Uint8Array, name: string, parallel: boolean, sampleBytes: number, blockBytes: number, chunk: number): Promise<Outcome> {
  const out: Uint8Array[] = [];
  async function* source() {
    for (let at = 0; at < bytes.length; at += chunk) yield bytes.slice(at, at + chunk);
  }
  try {
    const r = await convertCsvTuned(source(), async (c) => void out.push(c.slice()), { name, compression: "ZSTD", rowGroupBytes: 1 << 20, keyValueMetadata: {}, parallelEncoding: parallel }, { sampleBytes, blockBytes });
    const file = new Uint8Array(Buffer.concat(out));
    const values = (await readWithHyparquet(file)).map((row) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : v)));
    return { rows: r.rows, columns: r.columns.map((c) => `${c.name}:${c.type}`).join(), values };
  } catch (err) {
    if (err instanceof ConversionError) return { error: `${err.code} line ${err.line} column ${err.column}: ${err.message}` };
    if (err instanceof WidenNeeded) return { error: `widen ${err.columnName} ${err.from}->${err.to} line ${err.line}` };
    throw err;
  }
}

describe("block-parallel conversion equals the sequential one", () => {
  test("random files", async () => {
    const seed = seedFrom("DSP_BLOCKS_SEED");
    const r = mulberry32(seed);
    for (let file = 0; file < 12; file++) {
      const { text } = randomCsv(r);
      const bytes = enc.encode(text);
      const sampleBytes = 500 + Math.floor(r() * 4000);
      const blockBytes = 300 + Math.floor(r() * 6000);
      const chunk = 1 + Math.floor(r() * 9000);
      const where = { seed, file, sampleBytes, blockBytes, chunk };
      const sequential = await convert(bytes, "f.csv", false, sampleBytes, blockBytes, chunk);
      const parallel = await convert(bytes, "f.csv", true, sampleBytes, blockBytes, chunk);
      expect({ where, ...parallel }).toEqual({ where, ...sequential });
    }
  }, 120_000);

  test("errors and widenings far into the file carry the same line and column", async () => {
    const seed = seedFrom("DSP_BLOCKS_SEED");
    const r = mulberry32(seed);
    const good = (i: number) => `${i},${(i * 1.25).toFixed(2)},"name ${i}",2024-01-0${1 + (i % 9)}`;
    const breakers: [string, (i: number) => string][] = [
      ["ragged row", (i) => `${i},1.5,x`],
      ["a value that needs a wider type", (i) => `${i},not a number,"n",2024-01-01`],
      ["invalid UTF-8", (i) => `${i},1.5,"\u0000BAD",2024-01-01`],
      ["bad quote", (i) => `${i},1.5,"n"x,2024-01-01`],
      ["unterminated quote", (i) => `${i},1.5,"never closed,2024-01-01`],
    ];
    for (const [what, breaker] of breakers) {
      const lines = ["id,amount,name,day"];
      const at = 300 + Math.floor(r() * 2000);
      for (let i = 0; i < 3000; i++) lines.push(i === at ? breaker(i) : good(i));
      if (what === "unterminated quote") lines.length = at + 2; // the open quote runs to the end
      const bytes = enc.encode(lines.join(r() < 0.5 ? "\n" : "\r\n") + "\n");
      if (what === "invalid UTF-8") bytes[bytes.indexOf(0)] = 0xff;
      const sequential = await convert(bytes, "e.csv", false, 2000, 700, 4096);
      const parallel = await convert(bytes, "e.csv", true, 2000, 700, 4096);
      expect("error" in sequential).toBe(true);
      expect({ what, seed, ...parallel }).toEqual({ what, seed, ...sequential });
    }
  }, 60_000);
});

test("a row over the 16 MiB limit fails the same way in blocks, closed or not", async () => {
  for (const closed of [false, true]) {
    const head = ["id,text", ...Array.from({ length: 500 }, (_, i) => `${i},row ${i}`)].join("\n") + "\n";
    const long = `500,"${"x".repeat(17 * 1024 * 1024)}${closed ? '"\n501,after\n' : ""}`;
    const bytes = enc.encode(head + long);
    const sequential = await convert(bytes, "l.csv", false, 4000, 3000, 1 << 20);
    const parallel = await convert(bytes, "l.csv", true, 4000, 3000, 1 << 20);
    expect(sequential).toEqual({ error: "CSV_ROW_TOO_LARGE line 502 column 1: row is larger than 16 MiB; it starts at line 502, column 1" });
    expect(parallel).toEqual(sequential);
  }
}, 60_000);

describe("BlockCutter", () => {
  test("blocks hold whole rows and add up to the input", () => {
    const seed = seedFrom("DSP_BLOCKS_SEED");
    const r = mulberry32(seed);
    for (let file = 0; file < 120; file++) {
      const { text, delimiter } = randomCsv(r);
      const bytes = enc.encode(text);
      const dialect = { delimiter: delimiter.charCodeAt(0), quote: 0x22 };
      const cutter = new BlockCutter(dialect, 1 + Math.floor(r() * 5000), 1 << 20, (n) => new Uint8Array(n));
      const blocks: Uint8Array[] = [];
      const chunk = 1 + Math.floor(r() * 3000);
      for (let at = 0; at < bytes.length; at += chunk) blocks.push(...cutter.push(bytes.slice(at, at + chunk)).map((b) => b.slice()));
      const last = cutter.end().slice();
      const bomless = text.startsWith("\uFEFF") ? bytes.subarray(3) : bytes;
      expect(Buffer.concat([...blocks, last]).equals(Buffer.from(bomless))).toBe(true);
      for (const block of blocks) {
        const t = new CsvTokenizer(dialect, { row() {} }, { bom: false });
        try {
          t.push(block);
        } catch {
          continue; // a broken row: the tokenizer stops there, as it would on the whole file
        }
        expect({ seed, file, atRowEnd: t.atRowEnd }).toEqual({ seed, file, atRowEnd: true });
      }
    }
  }, 60_000);

  test("a row longer than maxRowBytes is handed over whole once it is too long", () => {
    const cutter = new BlockCutter({ delimiter: 0x2c, quote: 0x22 }, 100, 1000, (n) => new Uint8Array(n));
    const out: Uint8Array[] = [];
    out.push(...cutter.push(enc.encode("a,b\n1,2\n")));
    for (let k = 0; k < 30; k++) out.push(...cutter.push(enc.encode(`"${"x".repeat(99)}`)));
    expect(out.length).toBeGreaterThan(0);
    expect(out.some((b) => b.length > 1000)).toBe(true);
  });
});
