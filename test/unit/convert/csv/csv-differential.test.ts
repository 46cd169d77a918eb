/**
 * Differential test against csv-parse: random CSVs from a seeded PRNG (random quoting, embedded
 * quotes, delimiters, CR/LF, multi-byte characters, NULL and "" fields, each delimiter, LF or
 * CRLF, BOM or not, final line end or not, ragged rows), parsed by both, every field compared.
 * csv-parse gives "" for both empty forms, so texts are compared to it, and the quoted flags and
 * line numbers to what the generator wrote. Our side is fed in random chunks.
 *
 * A failure prints the seed of the file; DSP_CSV_SEED=<seed> replays from that file on.
 */
import { expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { tokenize } from "./tokenize-helper.ts";

const FILES = 1500;
const base = process.env.DSP_CSV_SEED ? Number(process.env.DSP_CSV_SEED) : Math.floor(Math.random() * 2 ** 31);

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DELIMITERS = [",", ";", "|", "\t"];
const PIECES = ["a", "b", "Z", "0", "7", " ", "x y", ",", ";", "|", "\t", '"', '""', "\n", "\r", "\r\n", "é", "ß", "日本", "😀", "\u00a0", "'", "-", "."];

interface Generated {
  bytes: Uint8Array;
  delimiter: string;
  eol: string;
  rows: { line: number; fields: string[]; quoted: boolean[] }[];
}

function generate(seed: number): Generated {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const delimiter = pick(DELIMITERS);
  const eol = rnd() < 0.5 ? "\n" : "\r\n";
  const columns = 1 + Math.floor(rnd() * 7);
  const rowCount = 1 + Math.floor(rnd() * 25);
  const ragged = rnd() < 0.2;
  const rows: Generated["rows"] = [];
  let text = "";
  let line = 1;
  for (let r = 0; r < rowCount; r++) {
    const n = ragged ? 1 + Math.floor(rnd() * 8) : columns;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    const out: string[] = [];
    for (let c = 0; c < n; c++) {
      let value = "";
      const len = rnd() < 0.2 ? 0 : Math.floor(rnd() * 6);
      for (let k = 0; k < len; k++) value += rnd() < 0.6 ? pick(PIECES.slice(0, 7)) : pick(PIECES);
      // A field must be quoted when it holds what would end it or open a quote, and may be anyway.
      const must = value.includes(delimiter) || /["\r\n]/.test(value);
      const q = must || rnd() < 0.15;
      fields.push(value);
      quoted.push(q);
      out.push(q ? `"${value.replaceAll('"', '""')}"` : value);
    }
    const rowText = out.join(delimiter);
    const last = r === rowCount - 1;
    const ending = last && rnd() < 0.5 ? "" : eol;
    // An unquoted empty single field is a blank line: skipped by both parsers.
    if (rowText !== "") rows.push({ line, fields, quoted });
    text += rowText + ending;
    line += countLines(rowText + ending);
  }
  const bom = rnd() < 0.1 ? "\ufeff" : "";
  return { bytes: new TextEncoder().encode(bom + text), delimiter, eol, rows };
}

function countLines(s: string): number {
  return (s.match(/\r\n|\r|\n/g) ?? []).length;
}

test(`tokenizer agrees with csv-parse on ${FILES} random files (base seed ${base})`, () => {
  for (let k = 0; k < FILES; k++) {
    const seed = (base + k) >>> 0;
    const g = generate(seed);
    const theirs: string[][] = parse(Buffer.from(g.bytes), {
      delimiter: g.delimiter,
      record_delimiter: g.eol,
      relax_quotes: false,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    });
    const chunk = 1 + (seed % 97);
    const ours = tokenize(g.bytes, { delimiter: g.delimiter, chunks: chunk });
    const oursText = ours.rows.map((r) => r.fields.map((f) => f ?? ""));
    const agree =
      ours.error === undefined &&
      Bun.deepEquals(oursText, theirs) &&
      Bun.deepEquals(oursText, g.rows.map((r) => r.fields)) &&
      Bun.deepEquals(ours.rows.map((r) => r.quoted), g.rows.map((r) => r.quoted)) &&
      Bun.deepEquals(ours.rows.map((r) => r.line), g.rows.map((r) => r.line)) &&
      ours.rows.every((r, i) => r.fields.every((f, j) => (f === null) === (!g.rows[i]!.quoted[j] && g.rows[i]!.fields[j] === "")));
    if (!agree) {
      console.error(`csv differential: mismatch for seed ${seed} (replay with DSP_CSV_SEED=${seed})`);
      console.error(JSON.stringify(new TextDecoder().decode(g.bytes)));
      expect({ seed, error: ours.error, rows: oursText, quoted: ours.rows.map((r) => r.quoted), lines: ours.rows.map((r) => r.line) }).toEqual({
        seed,
        error: undefined,
        rows: theirs,
        quoted: g.rows.map((r) => r.quoted),
        lines: g.rows.map((r) => r.line),
      });
    }
  }
});
