/**
 * The CSV fast path's cell parsers (scan-cell.ts, ColumnBuilder.appendUnquoted*) against the
 * general rules: for every text, appending it through the fast path either declines (-1, nothing
 * appended) exactly when append() rejects it, or stores bit for bit what append() stores and
 * reports the field's end. Texts are drawn from the edges of each grammar (signs, leading zeros,
 * 15/16/17 digits, exponents, dots, bad dates), followed by a delimiter, a line end or a byte the
 * field continues with.
 */
import { describe, expect, test } from "bun:test";
import type { ColumnChunk, ColumnType } from "../../../../src/convert/column-types.ts";
import { ColumnBuilder, FastKind } from "../../../../src/convert/infer/column-builder.ts";
import { civilDays, daysFromCivil } from "../../../../src/convert/infer/calendar.ts";
import { CellKind, classifyCell, joinKind, TypeInference } from "../../../../src/convert/infer/index.ts";
import { mulberry32, seedFrom } from "../../../support/random.ts";

const enc = new TextEncoder();
const COMMA = 0x2c;
const stops = (() => {
  const t = new Uint8Array(256).fill(1, 0x80);
  for (const b of [COMMA, 10, 13]) t[b] = 1;
  return t;
})();

function appendFast(b: ColumnBuilder, buf: Uint8Array, i: number, end: number): number {
  switch (b.fastKind) {
    case FastKind.INT64:
      return b.appendUnquotedInt64(buf, i, end, stops);
    case FastKind.DOUBLE:
      return b.appendUnquotedDouble(buf, i, end, stops);
    case FastKind.BOOLEAN:
      return b.appendUnquotedBoolean(buf, i, end, stops);
    case FastKind.DATE:
      return b.appendUnquotedDate(buf, i, end, stops);
    case FastKind.TIMESTAMP_UTC:
    case FastKind.TIMESTAMP_LOCAL:
      return b.appendUnquotedTimestamp(buf, i, end, stops);
    default:
      return b.appendUnquotedBytes(buf, i, end, stops);
  }
}

function bytesOf(chunk: ColumnChunk): string {
  const parts: string[] = [chunk.type, String(chunk.rows), [...chunk.nulls.subarray(0, chunk.rows)].join("")];
  if ("values" in chunk) parts.push([...new Uint8Array(chunk.values.buffer, chunk.values.byteOffset, chunk.values.byteLength)].join(","));
  else parts.push([...chunk.data].join(","), [...chunk.offsets].join(","));
  return parts.join("|");
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join("");
const GEN: Record<string, (r: () => number) => string> = {
  INT64: (r) => {
    const roll = r();
    if (roll < 0.1) return pick(r, ["0", "-0", "007", "-", "+5", "9007199254740993", "999999999999999", "1000000000000000", "-2147483648", "2147483648", "4294967296", "-4294967297", "9223372036854775807", "12a", "1.5"]);
    return (r() < 0.3 ? "-" : "") + String(1 + Math.floor(r() * 9)) + digits(r, Math.floor(r() * 18));
  },
  DOUBLE: (r) => {
    const roll = r();
    if (roll < 0.15) return pick(r, ["0", "-0", "-0.0", ".5", "5.", ".", "-", "00.5", "0.5", "1e10", "1.5E-3", "NaN", "1.10", "0.1000000000000000055511151231257827", "123456789012345", "1234567890123456", "12345678901234.5", "0.000000000000001", "9007199254740993", "1-2", "1..2"]);
    const int = r() < 0.2 ? "" : r() < 0.2 ? "0" : String(1 + Math.floor(r() * 9)) + digits(r, Math.floor(r() * 10));
    const frac = r() < 0.3 ? "" : "." + digits(r, Math.floor(r() * 12));
    return (r() < 0.3 ? "-" : "") + int + frac + (r() < 0.05 ? `e${Math.floor(r() * 40) - 20}` : "");
  },
  BOOLEAN: (r) => pick(r, ["true", "false", "True", "tru", "truex", "falsey", "f", "t", "1"]),
  DATE: (r) => pick(r, ["2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2024-13-01", "2024-00-10", "2024-01-32", "2024-1-01", "20240101", "2024-01-01x", "2024-01-01T00:00"]),
  TIMESTAMP_UTC: (r) => (r() < 0.3 ? pick(r, ["2024-01-01T00:00:00Z", "2024-01-01 12:30+02:00", "2024-02-30T00:00:00Z", "9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z", "2024-01-01t00:00:00z", "2024-01-01T00:00:00.Z"]) : timestamp(r)),
  TIMESTAMP_LOCAL: (r) => (r() < 0.3 ? pick(r, ["2024-01-01T00:00:00", "2024-01-01 00:00", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567", "2024-01-01T00:00:00.1234560"]) : timestamp(r)),
  STRING: (r) => pick(r, ["abc", "Zürich", "日本語", "", "a b", "5'11\"", "x"]),
};
/** An ISO timestamp from a wide range of instants, with 0..9 fraction digits and one of the zone forms. */
function timestamp(r: () => number): string {
  const iso = new Date(Math.floor((r() - 0.3) * 2.5e14)).toISOString(); // years about 0600..9900
  const base = iso.slice(0, 19).replace("T", r() < 0.2 ? " " : "T");
  const fraction = r() < 0.5 ? "" : "." + digits(r, 1 + Math.floor(r() * 9));
  const zone = pick(r, ["Z", "", "", "+02:00", "-0530", "+01"]);
  return (r() < 0.1 ? base.slice(0, 16) : base) + fraction + zone;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

describe("fast appends agree with append()", () => {
  for (const type of Object.keys(GEN) as ColumnType[]) {
    test(type, () => {
      const seed = seedFrom("DSP_SCAN_SEED");
      const r = mulberry32(seed);
      const fast = new ColumnBuilder(type, 4);
      const slow = new ColumnBuilder(type, 4);
      for (let k = 0; k < 20_000; k++) {
        const text = GEN[type]!(r);
        if (text === "") continue; // the row parser handles empty fields before these are called
        const after = pick(r, [",", "\n", "\r\n", "x", "\u00e9", ""]);
        const buf = enc.encode(`${text}${after}`);
        const textEnd = enc.encode(text).length;
        // The slow side: the field's end as the tokenizer would find it.
        let fieldEnd = 0;
        while (fieldEnd < buf.length && !(stops[buf[fieldEnd]!] && buf[fieldEnd]! < 0x80)) fieldEnd++;
        const j = appendFast(fast, buf, 0, buf.length);
        const where = { seed, type, text, after };
        if (fieldEnd === buf.length || (type !== "STRING" && buf.subarray(0, fieldEnd).some((b) => b >= 0x80))) {
          // Runs into the end, or non-ASCII in a typed column: the row goes to the general path.
          expect({ ...where, j }).toEqual({ ...where, j: -1 });
          continue;
        }
        const ok = slow.append(buf, 0, fieldEnd, false);
        expect({ ...where, j }).toEqual({ ...where, j: ok ? fieldEnd : -1 });
        if (fieldEnd !== textEnd) expect(ok && type !== "STRING").toBe(false); // "x" or "é" appended to a typed value
      }
      expect(fast.rows).toBe(slow.rows);
      expect(bytesOf(fast.take())).toBe(bytesOf(slow.take()));
    });
  }

  test("truncate takes back the last row and leaves a clean slot", () => {
    for (const type of ["INT64", "DOUBLE", "STRING", "DATE", "BOOLEAN", "TIMESTAMP_UTC"] as const) {
      const a = new ColumnBuilder(type, 2);
      const b = new ColumnBuilder(type, 2);
      const text = { INT64: "42", DOUBLE: "1.5", STRING: "abc", DATE: "2024-01-01", BOOLEAN: "true", TIMESTAMP_UTC: "2024-01-01T00:00:00Z" }[type];
      const buf = enc.encode(`${text},`);
      expect(appendFast(a, buf, 0, buf.length)).toBe(buf.length - 1);
      expect(appendFast(a, buf, 0, buf.length)).toBe(buf.length - 1);
      a.truncate(1);
      a.appendNull();
      expect(b.append(buf, 0, buf.length - 1, false)).toBe(true);
      b.appendNull();
      expect(bytesOf(a.take())).toBe(bytesOf(b.take()));
    }
  });
});

test("civilDays equals daysFromCivil on every valid date and rejects the rest", () => {
  for (let year = 1; year <= 9999; year += year < 2200 ? 1 : 7) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const valid = month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0);
        const got = civilDays(year, month, day);
        if (valid) expect(got).toBe(daysFromCivil(year, month, day));
        else expect(got).toBeNaN();
      }
    }
  }
  expect(civilDays(0, 1, 1)).toBeNaN();
  expect(civilDays(10000, 1, 1)).toBeNaN();
  expect(civilDays(-1, 1, 1)).toBeNaN();
});

test("the sample inference's common-form shortcut gives the types the full classification gives", () => {
  const seed = seedFrom("DSP_SCAN_SEED");
  const r = mulberry32(seed);
  const types = Object.keys(GEN) as ColumnType[];
  for (let column = 0; column < 3000; column++) {
    // Mostly one type, with the odd cell of another and some nulls: the shortcut and the fallback both run.
    const main = pick(r, types);
    const cells = Array.from({ length: 1 + Math.floor(r() * 30) }, () => (r() < 0.1 ? "" : GEN[r() < 0.9 ? main : pick(r, types)]!(r)));
    const inference = new TypeInference(1);
    const buf = enc.encode(cells.join(","));
    let at = 0;
    let expected: ColumnType | null = null;
    let bigInts = false;
    for (const cell of cells) {
      const end = at + enc.encode(cell).length;
      inference.observe(0, buf, at, end, false);
      if (expected !== "STRING") {
        const kind = classifyCell(buf, at, end, false);
        if (kind === CellKind.INT_BIG) bigInts = true;
        expected = joinKind(expected, kind, !bigInts);
      }
      at = end + 1;
    }
    expect({ seed, cells, type: inference.result()[0] }).toEqual({ seed, cells, type: expected ?? "STRING" });
  }
});
