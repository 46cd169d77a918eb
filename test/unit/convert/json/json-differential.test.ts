/**
 * Differential test of the whole JSON → Parquet conversion: random files from a seeded PRNG (JSON
 * Lines with LF or CRLF, or a compact or pretty top-level array; keys in varying order, missing or
 * null; whitespace around tokens; escaped and raw unicode strings, strings that look like numbers,
 * booleans or dates; integers up to and beyond INT64, exact and inexact decimals, -0; dates,
 * timestamps with and without zones; nested values; columns mixing all of these), fed in random
 * chunk sizes, every other one encoded in the worker.
 *
 * Two oracles:
 *   1. the generator's own model: it knows each value's class and exact value, computes the
 *      column's type by the documented rules (json-kinds.ts), and every cell read back (DuckDB
 *      over the Parquet) must be exactly that value;
 *   2. DuckDB's read_json of the source, with dsp's column types, for every column both can read
 *      the same way (typed columns, and text columns of strings only): EXCEPT ALL both ways is empty.
 *
 * A failure prints the seed; DSP_JSON_SEED=<seed> replays it.
 */
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { mulberry32, seedFrom } from "../../../support/random.ts";
import { type Cell, cleanUp, convertWithRestarts, duckQuery, readParquet, scratchPath } from "./json-test-support.ts";

afterAll(cleanUp);

type Cls = "BOOL" | "INT_SAFE" | "INT_BIG" | "DOUBLE" | "NUMTEXT" | "DATE" | "TSZ" | "TSL" | "STR" | "NESTED";

interface Value {
  cls: Cls;
  /** JSON source text as written in the file. */
  src: string;
  /** The value in a STRING column. */
  text: string;
  /** The value in a column of the class's own type (bigint, number, boolean, days, micros, JSON text). */
  typed: Cell;
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const int = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const TEXTS = ["alpha", "Zürich", "naïve café", "日本語", "emoji 🎉", "", " ", "O'Brien", 'say "hi"', "back\\slash", "tab\there", "line\nbreak", "cr\r", "123", "-7", "1.5", "1e5", "007", "true", "false", "null", "NULL", "2023-02-29", "2024-13-01", "24:00", "\u0001ctl", "a/b", "\u2028sep"];

/** A JSON string literal for `s`, escaping at random beyond what JSON requires. */
function quote(rnd: Rnd, s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += rnd() < 0.5 ? "\\n" : "\\u000a";
    else if (ch === "/" && rnd() < 0.5) out += "\\/";
    else if (cp < 0x20 || rnd() < 0.1) {
      const units = cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp];
      out += units.map((u) => `\\u${u.toString(16).padStart(4, "0")}`).join("");
    } else out += ch;
  }
  return `${out}"`;
}

const TWO53 = 2n ** 53n;

const GEN: Record<Cls, (rnd: Rnd) => Value> = {
  BOOL: (r) => {
    const b = r() < 0.5;
    return { cls: "BOOL", src: String(b), text: String(b), typed: b };
  },
  INT_SAFE: (r) => {
    const n = BigInt(Math.floor((r() - 0.5) * 2 ** int(r, 1, 53)));
    return { cls: "INT_SAFE", src: String(n), text: String(n), typed: n };
  },
  INT_BIG: (r) => {
    const n = pick(r, [TWO53 + 1n, -(TWO53 + 1n), 2n ** 63n - 1n, -(2n ** 63n), TWO53 + BigInt(int(r, 1, 1e9)) * 1000003n]);
    return { cls: "INT_BIG", src: String(n), text: String(n), typed: n };
  },
  DOUBLE: (r) => {
    const x = (r() - 0.5) * 10 ** int(r, -8, 12);
    const choice = r();
    let src = String(x);
    if (choice < 0.2) src = x.toExponential();
    else if (choice < 0.3 && src.includes(".") && !src.includes("e")) src += "00"; // 1.50: the same number
    else if (choice < 0.35) src = pick(r, ["-0", "-0.0", "1.10", "1E5", "2.5e-3", "0.1", "1e+21"]);
    if (!/[.eE]/.test(src) && src !== "-0") src += ".0";
    return { cls: "DOUBLE", src, text: src, typed: Number(src) };
  },
  NUMTEXT: (r) => {
    const src = pick(r, ["1e400", "-1e400", "1e-400", "3.14159265358979323846", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "0.1000000000000000055511151231257827"]);
    return { cls: "NUMTEXT", src, text: src, typed: null };
  },
  DATE: (r) => {
    const d = new Date(Date.UTC(int(r, 1000, 9999), int(r, 0, 11), int(r, 1, 28))).toISOString().slice(0, 10);
    return { cls: "DATE", src: `"${d}"`, text: d, typed: Date.parse(`${d}T00:00:00Z`) / 86_400_000 };
  },
  TSZ: (r) => {
    const ms = int(r, -2e12, 4e12);
    const extra = r() < 0.3 ? int(r, 0, 999) : 0;
    const offset = pick(r, [0, 120, -330, 600]);
    const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 23) + (extra ? String(extra).padStart(3, "0") : "");
    const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`;
    const s = wall + zone;
    return { cls: "TSZ", src: `"${s}"`, text: s, typed: BigInt(ms) * 1000n + BigInt(extra) };
  },
  TSL: (r) => {
    const ms = int(r, -2e12, 4e12) - (int(r, -2e12, 4e12) % 1000) * (r() < 0.5 ? 1 : 0);
    const iso = new Date(ms).toISOString();
    const s = r() < 0.5 ? iso.slice(0, 23).replace("T", " ") : iso.slice(0, 19);
    const micros = BigInt(Date.parse(`${s.replace(" ", "T")}Z`)) * 1000n;
    return { cls: "TSL", src: `"${s}"`, text: s, typed: micros };
  },
  STR: (r) => {
    const s = pick(r, TEXTS) + (r() < 0.3 ? pick(r, TEXTS) : "");
    return { cls: "STR", src: quote(r, s), text: s, typed: s };
  },
  NESTED: (r) => {
    const [src, compact] = nested(r, 0);
    return { cls: "NESTED", src, text: compact, typed: compact };
  },
};

/** A random nested value: [source text with random whitespace, compact text]. */
function nested(r: Rnd, depth: number): [string, string] {
  const sp = () => pick(r, ["", "", " ", "\t", "  "]);
  const leaf = (): [string, string] => {
    const v = pick(r, ["1", "2.50", "-0", "true", "null", '"x y"', '"\\u00e9"', "12345678901234567890", '"a,b]"']);
    return [v, v];
  };
  const n = int(r, 0, 3);
  const parts = Array.from({ length: n }, () => (depth < 2 && r() < 0.4 ? nested(r, depth + 1) : leaf()));
  if (r() < 0.5) return [`[${sp()}${parts.map((p) => p[0]).join(`${sp()},${sp()}`)}${sp()}]`, `[${parts.map((p) => p[1]).join(",")}]`];
  const keys = parts.map((_, i) => `"k${i}"`);
  return [`{${sp()}${parts.map((p, i) => `${keys[i]}${sp()}:${sp()}${p[0]}`).join(`${sp()},${sp()}`)}${sp()}}`, `{${parts.map((p, i) => `${keys[i]}:${p[1]}`).join(",")}}`];
}

const PROFILES: readonly (Cls[] | "mixed")[] = [["BOOL"], ["INT_SAFE"], ["INT_SAFE", "INT_BIG"], ["DOUBLE"], ["INT_SAFE", "DOUBLE"], ["INT_BIG", "DOUBLE"], ["NUMTEXT", "INT_SAFE"], ["DATE"], ["TSZ"], ["TSL"], ["DATE", "TSL"], ["STR"], ["STR", "DATE"], ["NESTED"], "mixed"];
const ALL = Object.keys(GEN) as Cls[];

/** The column type by the documented rules, from the classes of its non-null values. */
function expectedType(classes: Set<Cls>): ColumnType {
  const only = (...allowed: Cls[]) => [...classes].every((c) => allowed.includes(c));
  if (classes.size === 0) return "STRING";
  if (only("BOOL")) return "BOOLEAN";
  if (only("INT_SAFE", "INT_BIG")) return "INT64";
  if (only("INT_SAFE", "DOUBLE")) return "DOUBLE";
  if (only("DATE")) return "DATE";
  if (only("TSZ")) return "TIMESTAMP_UTC";
  if (only("TSL")) return "TIMESTAMP_LOCAL";
  if (only("NESTED")) return "JSON";
  return "STRING";
}

const DUCK_TYPE: Partial<Record<ColumnType, string>> = { BOOLEAN: "BOOLEAN", INT64: "BIGINT", DOUBLE: "DOUBLE", DATE: "DATE", TIMESTAMP_UTC: "TIMESTAMPTZ", TIMESTAMP_LOCAL: "TIMESTAMP", STRING: "VARCHAR" };

test("random JSON files: every value is the model's, and equals DuckDB's read_json where both read the same", async () => {
  const seed = seedFrom("DSP_JSON_SEED");
  const rnd = mulberry32(seed);
  let compared = 0;
  for (let file = 0; file < 40; file++) {
    const where = `seed ${seed} (DSP_JSON_SEED=${seed}), file ${file}`;
    const keys = Array.from({ length: int(rnd, 1, 7) }, (_, i) => `k${i}`);
    const profiles = keys.map(() => pick(rnd, PROFILES));
    const rowCount = int(rnd, 1, 150);
    const cells: (Value | null | undefined)[][] = []; // undefined: key missing
    const records: string[] = [];
    const appearance: number[] = []; // key indexes in order of first appearance: the column order
    const sp = () => (rnd() < 0.2 ? pick(rnd, [" ", "  ", "\t"]) : "");
    for (let r = 0; r < rowCount; r++) {
      const row = keys.map((_, k) => {
        const roll = rnd();
        if (roll < 0.06) return undefined;
        if (roll < 0.12) return null;
        const p = profiles[k]!;
        return GEN[pick(rnd, p === "mixed" ? ALL : p)](rnd);
      });
      cells.push(row);
      const order = keys.map((_, k) => k);
      if (rnd() < 0.2) order.sort(() => rnd() - 0.5);
      for (const k of order) if (row[k] !== undefined && !appearance.includes(k)) appearance.push(k);
      const members = order.filter((k) => row[k] !== undefined).map((k) => `"${keys[k]}"${sp()}:${sp()}${row[k] === null ? "null" : row[k]!.src}`);
      records.push(`{${sp()}${members.join(`${sp()},${sp()}`)}${sp()}}`);
    }
    if (appearance.length === 0) continue; // only {} records: no table
    const form = pick(rnd, ["jsonl", "jsonl-crlf", "array", "pretty"] as const);
    const text =
      form === "jsonl" ? records.join("\n") + (rnd() < 0.7 ? "\n" : "") : form === "jsonl-crlf" ? records.join("\r\n") + "\r\n" : form === "array" ? `[${records.join(",")}]` : `[\n  ${records.join(",\n  ")}\n]\n`;
    const json = form === "array" || form === "pretty";
    const src = scratchPath(json ? "src.json" : "src.jsonl");
    writeFileSync(src, text);

    const converted = await convertWithRestarts(text, { json, chunk: int(rnd, 1, 4096), parallelEncoding: file % 2 === 1 });
    const expectedColumns = appearance.map((k) => ({ name: keys[k]!, k, type: expectedType(new Set(cells.filter((row) => row[k]).map((row) => row[k]!.cls))) }));
    expect({ where, rows: converted.result.rows, columns: converted.result.columns }).toEqual({
      where,
      rows: rowCount,
      columns: expectedColumns.map(({ name, type }) => ({ name, type })),
    });
    expect({ where, widenings: converted.widenings.length }).toEqual({ where, widenings: 0 });

    // Oracle 1: the model's values.
    const back = await readParquet(converted.parquet);
    for (const { name, k, type } of expectedColumns) {
      for (let r = 0; r < rowCount; r++) {
        const v = cells[r]![k];
        const want: Cell = !v ? null : type === "STRING" ? v.text : type === "DOUBLE" ? Number(v.src) : v.typed;
        const got = back.rows[r]![name] ?? null;
        if (!Object.is(got, want) && !(typeof got === "bigint" && got === want)) {
          throw new Error(`${where}: column ${name} (${type}) row ${r}: got ${String(got)}, want ${String(want)} (source ${v?.src})`);
        }
      }
    }

    // Oracle 2: DuckDB's reading of the source, for the columns it reads the same way.
    const comparable = expectedColumns.filter(({ k, type }) => type !== "JSON" && (type !== "STRING" || cells.every((row) => !row[k] || row[k]!.cls === "STR")));
    if (comparable.length === 0) continue;
    compared += comparable.length;
    const spec = comparable.map((c) => `'${c.name}': '${DUCK_TYPE[c.type]}'`).join(", ");
    const list = comparable.map((c) => `"${c.name}"`).join(", ");
    const theirs = `(SELECT ${list} FROM read_json('${src}', format = '${json ? "array" : "newline_delimited"}', columns = {${spec}}))`;
    const ours = `(SELECT ${list} FROM read_parquet('${scratchPath("x.parquet")}'))`;
    writeFileSync(ours.match(/'([^']+)'/)![1]!, converted.parquet);
    const [diff] = (await duckQuery(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${ours} EXCEPT ALL SELECT * FROM ${theirs}))::INTEGER AS missing,
              (SELECT count(*) FROM (SELECT * FROM ${theirs} EXCEPT ALL SELECT * FROM ${ours}))::INTEGER AS extra`,
    )) as { missing: number; extra: number }[];
    expect({ where, ...diff }).toEqual({ where, missing: 0, extra: 0 });
  }
  expect(compared).toBeGreaterThan(20);
}, 120_000);
