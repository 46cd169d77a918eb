/**
 * Differential test of the whole XML → Parquet conversion: random tables (integers, decimals,
 * dates, timestamps, booleans, text that only looks typed, unicode, markup characters, line
 * breaks, empty strings, absent fields, repeated fields) are written as XML in random styles
 * (attributes or elements, entities, decimal and hex character references, CDATA, comments and
 * PIs inside values, indentation, CRLF, a BOM and a declaration, a wrapper element) and converted
 * in random chunk sizes; every value DuckDB reads back must equal the table's, under the type dsp
 * chose. Seeded; DSP_CONVERT_SEED=<seed> replays a failure.
 */
import { expect, test } from "bun:test";
import { mulberry32, seedFrom } from "../../../support/random.ts";
import { cleanUpAfterAll, convert, parquetFile, sql } from "./xml-test-helpers.ts";

cleanUpAfterAll();

type Rnd = () => number;
const pick = <T>(r: Rnd, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
const WORDS = ["alpha", "Zürich", "naïve café", "日本語", "emoji 🎉", "x", "O'Brien", 'say "hi"', "a<b>c", "AT&T", "]]>", "line\nbreak", "  padded  ", "007", "1e5", "true", "NULL", "tab\there", ""];
const KINDS: Record<string, (r: Rnd) => string> = {
  int: (r) => String(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 62)))),
  decimal: (r) => ((r() - 0.5) * 10 ** Math.floor(r() * 8)).toFixed(1 + Math.floor(r() * 3)),
  date: (r) => new Date(Date.UTC(1900 + Math.floor(r() * 200), Math.floor(r() * 12), 1 + Math.floor(r() * 28))).toISOString().slice(0, 10),
  tsz: (r) => new Date(Math.floor(r() * 4e12)).toISOString(),
  bool: (r) => (r() < 0.5 ? "true" : "false"),
  text: (r) => pick(r, WORDS),
};

/** Character data, escaped one of several ways; `attr` for attribute values. */
function escape(value: string, r: Rnd, attr: boolean): string {
  if (!attr && r() < 0.15 && !value.includes("]]>") && !value.includes("\r")) return `<![CDATA[${value}]]>`;
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const roll = r();
    if (ch === "<" || ch === "&" || (ch === ">" && (roll < 0.5 || out.endsWith("]]"))) || (attr && (ch === '"' || ch === "\n" || ch === "\t"))) {
      out += roll < 0.3 ? `&#${cp};` : roll < 0.6 ? `&#x${cp.toString(16)};` : ({ "<": "&lt;", "&": "&amp;", ">": "&gt;", '"': "&quot;" } as Record<string, string>)[ch] ?? `&#${cp};`;
    } else if (roll < 0.03) out += `&#x${cp.toString(16).toUpperCase()};`;
    else out += ch;
  }
  if (!attr && out.length > 1 && r() < 0.1) out = `${out.slice(0, 1)}<!-- c -->${out.slice(1)}`.replace(/&[^;]*<!-- c -->/, (m) => m.replace("<!-- c -->", ""));
  return out;
}

interface Column {
  name: string;
  kind: string;
  attr: boolean;
  repeated: boolean;
}

test("random XML tables: every converted value equals the table's", async () => {
  const seed = seedFrom("DSP_CONVERT_SEED");
  const r = mulberry32(seed);
  for (let file = 0; file < 20; file++) {
    const columns: Column[] = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, i) => {
      const kind = pick(r, Object.keys(KINDS));
      const attr = r() < 0.3;
      return { name: `${kind}_${i}`, kind, attr, repeated: !attr && r() < 0.15 };
    });
    const nl = pick(r, ["\n", "\r\n", ""]);
    const indent = nl === "" ? "" : pick(r, ["", "  ", "\t"]);
    const rows: (string[] | null)[][] = [];
    let body = "";
    // At least two records (one record in a wrapper next to <meta> is ambiguous: record-detector.ts).
    for (let i = 0, n = 2 + Math.floor(r() * 200); i < n; i++) {
      const row: (string[] | null)[] = columns.map((c) => {
        const roll = r();
        if (roll < 0.1) return null; // absent
        if (c.repeated) return Array.from({ length: 1 + Math.floor(r() * 3) }, () => KINDS[c.kind]!(r));
        return [roll < 0.13 ? "" : KINDS[c.kind]!(r)];
      });
      if (i === 0 && !row.some((v) => v !== null)) row[0] = [KINDS[columns[0]!.kind]!(r)];
      rows.push(row);
      const attrs = columns.map((c, k) => (c.attr && row[k] ? ` ${c.name}="${escape(row[k]![0]!, r, true)}"` : "")).join("");
      const children = columns
        .map((c, k) => (c.attr || !row[k] ? "" : row[k]!.map((v) => `${nl}${indent}${indent}<${c.name}>${escape(v, r, false)}</${c.name}>`).join("")))
        .join("");
      body += `${indent}<rec${attrs}>${children}${children ? `${nl}${indent}` : ""}</rec>${nl}`;
    }
    const xml = `${r() < 0.3 ? "\ufeff" : ""}<?xml version="1.0" encoding="UTF-8"?>${nl}<!-- export -->${nl}<data>${nl}<meta><n>1</n></meta>${nl}<recs>${nl}${body}</recs>${nl}</data>${nl}`;
    const chunks = pick(r, [1 << 16, 1 + Math.floor(r() * 50), 7]);
    const c = await convert(xml, { chunks });
    const where = `seed ${seed}, file ${file}`;
    // Columns in order of first appearance: within a record, its attributes, then its children.
    const present: Column[] = [];
    for (const row of rows) {
      for (const attrs of [true, false]) {
        for (const [k, col] of columns.entries()) if (col.attr === attrs && row[k] !== null && !present.includes(col)) present.push(col);
      }
    }
    expect(c.result.columns.map((col) => col.name), where).toEqual(present.map((col) => col.name));
    const path = parquetFile(c.parquet);
    for (const col of present) {
      const k = columns.indexOf(col);
      const type = c.result.columns.find((x) => x.name === col.name)!.type;
      const select = type === "TIMESTAMP_UTC" ? `epoch_us("${col.name}")::varchar` : `"${col.name}"`;
      const got = (await sql(`select ${select} as v from read_parquet('${path}')`)).map((x) => x.v);
      const want = rows.map((row) => expected(row[k]!, type));
      expect({ where, column: col.name, type, got }).toEqual({ where, column: col.name, type, got: want });
    }
  }
});

/** What DuckDB's JSON rows hold for a value of the table under the chosen type. */
function expected(values: string[] | null, type: string): unknown {
  if (values === null) return null;
  if (type === "JSON") return JSON.stringify(values.length === 1 ? values[0] : values);
  const v = values[0]!;
  switch (type) {
    case "INT64":
      return BigInt(v).toString();
    case "DOUBLE":
      return Number(v);
    case "BOOLEAN":
      return v === "true";
    case "TIMESTAMP_UTC":
      return String(Date.parse(v) * 1000);
    default:
      return v; // STRING, DATE (the same text)
  }
}
