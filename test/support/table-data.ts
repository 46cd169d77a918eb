/**
 * Generated table exports for tests and the conversion benchmark: the reference shape
 * (int id, float, short string, ISO timestamp, boolean, nullable int, date), deterministic from a
 * seed, written in chunks so a 500 MB file never sits in memory. The same generator can say what
 * each cell is, so tests compare values without parsing the CSV with the code under test.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { mulberry32 } from "./random.ts";

export const REFERENCE_HEADER = ["id", "amount", "name", "created_at", "active", "score", "day"] as const;

const NAMES = Array.from({ length: 1000 }, (_, i) => `name_${i.toString(36)}`);
const BASE_MS = Date.UTC(2024, 0, 1);

export interface ReferenceRow {
  id: number;
  amount: number;
  name: string;
  createdAtMs: number;
  active: boolean;
  score: number | null;
  dayMs: number;
}

export function referenceRow(i: number, rnd: () => number): ReferenceRow {
  return {
    id: i + 1,
    amount: Math.round(rnd() * 1e6) / 100,
    name: NAMES[Math.floor(rnd() * NAMES.length)]!,
    createdAtMs: BASE_MS + Math.floor(rnd() * 3e10),
    active: rnd() < 0.5,
    score: rnd() < 0.1 ? null : Math.floor(rnd() * 1000) - 500,
    dayMs: BASE_MS + Math.floor(rnd() * 1000) * 86_400_000,
  };
}

export function referenceLine(r: ReferenceRow): string {
  return (
    `${r.id},${r.amount},${r.name},${new Date(r.createdAtMs).toISOString()},${r.active},` +
    `${r.score ?? ""},${new Date(r.dayMs).toISOString().slice(0, 10)}\n`
  );
}

/** Writes a reference CSV of `rows` rows (plus header) to `path`; returns its size in bytes. */
export function writeReferenceCsv(path: string, rows: number, seed = 1): number {
  const rnd = mulberry32(seed);
  const fd = openSync(path, "w");
  let bytes = 0;
  try {
    let buf = REFERENCE_HEADER.join(",") + "\n";
    for (let i = 0; i < rows; i++) {
      buf += referenceLine(referenceRow(i, rnd));
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = "";
      }
    }
    bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Rows of a reference CSV written with the same seed, regenerated for comparison. */
export function* referenceRows(rows: number, seed = 1): Generator<ReferenceRow> {
  const rnd = mulberry32(seed);
  for (let i = 0; i < rows; i++) yield referenceRow(i, rnd);
}

/** The same rows as JSON Lines (for the JSONL benchmark once that reader lands). */
export function writeReferenceJsonl(path: string, rows: number, seed = 1): number {
  const rnd = mulberry32(seed);
  const fd = openSync(path, "w");
  let bytes = 0;
  try {
    let buf = "";
    for (let i = 0; i < rows; i++) {
      const r = referenceRow(i, rnd);
      buf +=
        JSON.stringify({
          id: r.id,
          amount: r.amount,
          name: r.name,
          created_at: new Date(r.createdAtMs).toISOString(),
          active: r.active,
          score: r.score,
          day: new Date(r.dayMs).toISOString().slice(0, 10),
        }) + "\n";
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = "";
      }
    }
    bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
