/**
 * Differential property test: random texts of every kind (and near misses) are classified by an
 * independent oracle written with regular expressions, BigInt and Date, and the result must match
 * classifyCell and every typed ColumnBuilder's accept/refuse. Accepted values must regenerate:
 * integers, dates and booleans byte for byte, doubles as the same number, timestamps as the same
 * instant (local ones as the same wall-clock text once normalized). Seeded: the seed is printed on
 * failure; rerun with INFER_SEED=<seed>.
 */

import { expect, test } from "bun:test";
import type { ColumnChunk, ColumnType } from "../../../../src/convert/column-types.ts";
import { CellKind, classifyCell } from "../../../../src/convert/infer/cell-kind.ts";
import { ColumnBuilder } from "../../../../src/convert/infer/column-builder.ts";
import { oracleDays, oracleMicros, pad, prng } from "./helpers.ts";

const SEED = Number(process.env.INFER_SEED ?? (Math.random() * 2 ** 32) >>> 0);
const ITERATIONS = 40_000;

// ---- oracle -------------------------------------------------------------------------------

const INT_RE = /^-?(0|[1-9]\d*)$/;
const DOUBLE_RE = /^-?(0|[1-9]\d*)?(\.\d*)?([eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const TWO53 = 2n ** 53n;
const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** Exact decimal value of a numeric text's magnitude as [mantissa, exponent] with mantissa % 10 != 0. */
function exactDecimal(text: string): [bigint, number] {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const frac = m[2] ?? "";
  let mantissa = BigInt((m[1] ?? "") + frac || "0");
  let exp = Number(m[3] ?? 0) - frac.length;
  if (mantissa === 0n) return [0n, 0];
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp++;
  }
  return [mantissa, exp];
}
const sameNumber = (a: string, b: string): boolean => exactDecimal(a).join() === exactDecimal(b).join();

/** What the oracle expects: the kind, and for DATE / TIMESTAMP the value. */
interface Expect {
  kind: CellKind;
  micros?: bigint;
  days?: number;
}

function oracle(t: string, quoted: boolean): Expect {
  if (t === "") return { kind: quoted ? CellKind.STRING : CellKind.NULL };
  if (t === "true" || t === "false") return { kind: CellKind.BOOLEAN };
  let m = DATE_RE.exec(t);
  if (m) {
    const days = Number(m[1]) >= 1 ? oracleDays(Number(m[1]), Number(m[2]), Number(m[3])) : null;
    return days === null ? { kind: CellKind.STRING } : { kind: CellKind.DATE, days };
  }
  m = TS_RE.exec(t);
  if (m) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m![i]));
    const s = Number(m[6] ?? 0);
    const fraction = m[7] ?? "";
    const zone = m[8];
    const okTime = y! >= 1 && oracleDays(y!, mo!, d!) !== null && h! <= 23 && mi! <= 59 && s <= 59;
    const okFraction = /^0*$/.test(fraction.slice(6));
    let offset = 0;
    let okZone = true;
    if (zone && zone !== "Z") {
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(3).replace(":", "") || 0);
      okZone = oh <= 23 && om <= 59;
      offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    if (!okTime || !okFraction || !okZone) return { kind: CellKind.STRING };
    const micros = oracleMicros(y!, mo!, d!, h!, mi!, s, Number(fraction.slice(0, 6).padEnd(6, "0")), offset);
    return { kind: zone ? CellKind.TIMESTAMP_UTC : CellKind.TIMESTAMP_LOCAL, micros };
  }
  if (INT_RE.test(t) && t !== "-0") {
    const n = BigInt(t);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { kind: abs(n) <= TWO53 ? CellKind.INT_SAFE : CellKind.INT_BIG };
  }
  m = DOUBLE_RE.exec(t);
  if (m && /\d/.test((m[1] ?? "") + (m[2] ?? ""))) {
    const x = Number(t);
    const integerForm = m[2] === undefined && m[3] === undefined;
    if (Number.isFinite(x) && (!integerForm || abs(BigInt(t)) <= TWO53) && sameNumber(t, String(x))) return { kind: CellKind.DOUBLE };
  }
  return { kind: CellKind.STRING };
}

const BUILDER_TYPES: ColumnType[] = ["BOOLEAN", "INT64", "DOUBLE", "DATE", "TIMESTAMP_UTC", "TIMESTAMP_LOCAL"];

/** Which builder types take a cell of this kind. */
function acceptingTypes(kind: CellKind): ColumnType[] {
  switch (kind) {
    case CellKind.BOOLEAN:
      return ["BOOLEAN"];
    case CellKind.INT_SAFE:
      return ["INT64", "DOUBLE"];
    case CellKind.INT_BIG:
      return ["INT64"];
    case CellKind.DOUBLE:
      return ["DOUBLE"];
    case CellKind.DATE:
      return ["DATE"];
    case CellKind.TIMESTAMP_UTC:
      return ["TIMESTAMP_UTC"];
    case CellKind.TIMESTAMP_LOCAL:
      return ["TIMESTAMP_LOCAL"];
    case CellKind.NULL:
      return BUILDER_TYPES;
    default:
      return [];
  }
}

// ---- generators -----------------------------------------------------------------------------

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rand, n: number): string => Array.from({ length: n }, () => int(r, 0, 9)).join("");

function genInt(r: Rand): string {
  const base = pick(r, [
    () => digits(r, int(r, 1, 21)).replace(/^0+(?=\d)/, r() < 0.8 ? "" : "0"),
    () => String(2n ** 63n + BigInt(int(r, -3, 3))),
    () => String(2n ** 53n + BigInt(int(r, -3, 3))),
    () => String(int(r, -1000, 1000)),
    () => String(BigInt.asIntN(64, BigInt(int(r, 0, 2 ** 31)) * BigInt(int(r, 0, 2 ** 31)) * BigInt(int(r, 1, 8)))),
  ])();
  return pick(r, ["", "", "", "-", "+", "0", " "]) + base.replace(/^-/, "");
}

function genDouble(r: Rand): string {
  const bits = new Uint32Array([int(r, 0, 2 ** 32 - 1), int(r, 0, 2 ** 32 - 1)]);
  const x = new Float64Array(bits.buffer)[0]!;
  const y = (r() - 0.5) * 10 ** int(r, -30, 30);
  return pick(r, [
    () => String(x),
    () => (Number.isFinite(x) ? x.toExponential(int(r, 0, 20)) : "NaN"),
    () => y.toPrecision(int(r, 1, 21)),
    () => (Math.abs(y) < 1e21 ? y.toFixed(int(r, 0, 20)) : String(y)),
    () => String(y),
    () => {
      const sign = pick(r, ["", "", "-", "+"]);
      const i = r() < 0.2 ? "" : digits(r, int(r, 0, 20)).replace(/^0+(?=\d)/, r() < 0.9 ? "" : "0");
      const f = r() < 0.3 ? "" : "." + digits(r, int(r, 0, 20)) + "0".repeat(int(r, 0, 3) * (r() < 0.3 ? 1 : 0));
      const e = r() < 0.6 ? "" : pick(r, ["e", "E"]) + pick(r, ["", "+", "-"]) + int(r, 0, r() < 0.5 ? 30 : 340);
      return sign + i + f + e;
    },
    () => pick(r, ["-", ""]) + String(2n ** 53n + BigInt(int(r, -2, 2))) + pick(r, ["", ".0", ".00", "e0"]),
    () => pick(r, ["NaN", "Infinity", "-Infinity", "inf", "1e309", "-0", "-0.0", ".5", "5.", ".", "-.", "e5", "1e"]),
  ])();
}

function genDate(r: Rand): string {
  const y = r() < 0.05 ? int(r, 0, 20000) : int(r, 1, 9999);
  const m = r() < 0.1 ? int(r, 0, 13) : int(r, 1, 12);
  const d = r() < 0.2 ? int(r, 28, 32) : r() < 0.05 ? 0 : int(r, 1, 28);
  return `${pad(y, r() < 0.02 ? 3 : 4)}-${pad(m, 2)}-${pad(d, r() < 0.02 ? 1 : 2)}`;
}

function genTimestamp(r: Rand): string {
  const date = r() < 0.8 ? `${pad(int(r, 1, 9999), 4)}-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)}` : genDate(r);
  const sep = pick(r, ["T", "T", " ", "t"]);
  const hm = `${pad(r() < 0.05 ? 24 : int(r, 0, 23), 2)}:${pad(r() < 0.05 ? 60 : int(r, 0, 59), 2)}`;
  let sec = "";
  if (r() < 0.85) {
    sec = ":" + pad(r() < 0.03 ? 60 : int(r, 0, 59), 2);
    if (r() < 0.7) {
      const n = int(r, 0, 9);
      sec += "." + digits(r, Math.min(n, 6)) + (n > 6 ? (r() < 0.5 ? "0".repeat(n - 6) : digits(r, n - 6)) : "");
    }
  }
  const oh = pad(r() < 0.05 ? 24 : int(r, 0, 14), 2);
  const om = pad(r() < 0.05 ? 60 : pick(r, [0, 30, 45]), 2);
  const s = pick(r, ["+", "-"]);
  const zone = pick(r, ["", "", "Z", "z", `${s}${oh}:${om}`, `${s}${oh}${om}`, `${s}${oh}`, ` ${s}${oh}`]);
  return date + sep + hm + sec + zone;
}

function genBoolean(r: Rand): string {
  const w = pick(r, ["true", "false"]);
  return r() < 0.6 ? w : [...w].map((c) => (r() < 0.3 ? c.toUpperCase() : c)).join("") + (r() < 0.1 ? " " : "");
}

// ---- regeneration ---------------------------------------------------------------------------

const enc = new TextEncoder();

/** ISO text of microseconds since the epoch (UTC), with all six fraction digits. */
function isoMicros(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 0..9999
  return `${iso.slice(0, 23)}${pad(Number(micros - ms * 1000n), 3)}`;
}

/** The wall clock of a local timestamp text in isoMicros' spelling. */
function normalizeLocal(t: string): string {
  const m = TS_RE.exec(t)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}.${(m[7] ?? "").slice(0, 6).padEnd(6, "0")}`;
}

function checkValue(t: string, expected: Expect, chunk: ColumnChunk): void {
  expect(chunk.nulls[0]).toBe(expected.kind === CellKind.NULL ? 1 : 0);
  if (expected.kind === CellKind.NULL) return;
  switch (chunk.type) {
    case "BOOLEAN":
      expect(chunk.values[0] ? "true" : "false").toBe(t);
      break;
    case "INT64":
      expect(String(chunk.values[0])).toBe(t);
      break;
    case "DOUBLE": {
      const x = chunk.values[0]!;
      expect(Object.is(x, Number(t))).toBe(true);
      expect(sameNumber(t, String(Math.abs(x)))).toBe(true);
      break;
    }
    case "DATE":
      expect(chunk.values[0]).toBe(expected.days!);
      expect(new Date(chunk.values[0]! * 86_400_000).toISOString().slice(0, 10)).toBe(t);
      break;
    case "TIMESTAMP_UTC": {
      expect(chunk.values[0]).toBe(expected.micros!);
      // Same instant: the regenerated UTC text means the same microsecond (years 1..9999 in UTC).
      const regenerated = `${isoMicros(chunk.values[0]!)}Z`;
      if (/^\d/.test(regenerated)) expect(oracle(regenerated, false).micros).toBe(expected.micros!);
      break;
    }
    case "TIMESTAMP_LOCAL":
      expect(chunk.values[0]).toBe(expected.micros!);
      expect(isoMicros(chunk.values[0]!)).toBe(normalizeLocal(t));
      break;
    default:
      throw new Error(`unexpected chunk ${chunk.type}`);
  }
}

// ---- the property -----------------------------------------------------------------------------

test(`random texts: classification, builders and regeneration agree with the oracle (seed ${SEED})`, () => {
  const r = prng(SEED);
  const counts: Record<string, number> = {};
  const builders = new Map(BUILDER_TYPES.map((t) => [t, new ColumnBuilder(t, 1)]));
  let text = "";
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      text = pick(r, [genInt, genDouble, genDate, genTimestamp, genBoolean])(r);
      const quoted = r() < 0.2;
      const expected = oracle(text, quoted);
      const bytes = enc.encode(` ${text} `);
      const kind = classifyCell(bytes, 1, bytes.length - 1, quoted);
      expect([text, kind]).toEqual([text, expected.kind]);
      counts[kind] = (counts[kind] ?? 0) + 1;
      const accepting = acceptingTypes(kind);
      for (const [type, b] of builders) {
        const ok = b.append(bytes, 1, bytes.length - 1, quoted);
        expect([text, type, ok]).toEqual([text, type, accepting.includes(type)]);
        if (ok) checkValue(text, expected, b.take());
      }
    }
  } catch (e) {
    throw new Error(`seed ${SEED} (rerun with INFER_SEED=${SEED}), text ${JSON.stringify(text)}: ${e}`);
  }
  // The generators must reach every kind often enough for the property to mean something.
  for (const k of Object.values(CellKind)) if (k !== CellKind.NULL) expect([k, (counts[k] ?? 0) > 200]).toEqual([k, true]);
});
