/**
 * Delimiter sniffing from the first bytes of a file (up to SNIFF_BYTES). Each candidate
 * (tab ; | ,) tokenizes the sample with the real tokenizer, so quotes are respected exactly as
 * they will be when the file is converted; the sample's last, probably cut, row is left out.
 *
 * The winner is, in order of importance:
 *   1. a candidate that splits rows into more than one field (most often) and tokenizes the
 *      sample without error (a wrong delimiter often leaves text after a closing quote: "a";"b"
 *      read with ',' is a CSV_BAD_QUOTE);
 *   2. the most consistent: the largest share of rows having its most frequent field count;
 *   3. the cleanest: the largest share of unquoted fields that contain no other candidate, a
 *      decimal comma (3,50 or 1.234,50) not counting as a comma, so "1;3,50" is ';' not ',';
 *   4. the most fields per row, then the order tab ; | , (a ';', tab or '|' file keeps a constant
 *      number of commas per row far more often than a ',' file keeps a constant number of them).
 * A forced delimiter (`.tsv` files, or configuration) skips all this.
 */

import { CsvError } from "./csv-error.ts";
import { CsvTokenizer, type CsvDialect } from "./csv-tokenizer.ts";
import type { FieldView } from "./field-view.ts";

export const SNIFF_BYTES = 64 * 1024;
const SNIFF_ROWS = 500;

const TAB = 0x09;
const COMMA = 0x2c;
const QUOTE = 0x22;
/** In tie-break order. */
const CANDIDATES = [TAB, 0x3b, 0x7c, COMMA] as const;

export interface SniffOptions {
  /** Use this delimiter, no sniffing (e.g. tab for .tsv). */
  delimiter?: number;
  /** The sample is the whole file: its last row is complete even without a line end. */
  complete?: boolean;
}

export interface SniffResult {
  dialect: CsvDialect;
  /** 0..1: 1 when forced or when every sampled row agrees and no other candidate comes close. */
  confidence: number;
  /** One line for the log: why this delimiter. */
  reason: string;
  /** Most frequent field count with that delimiter in the sample (0 if no complete row). */
  fieldCount: number;
}

/** Tab for .tsv/.tab files, else undefined (sniff). */
export function delimiterForFileName(name: string): number | undefined {
  return /\.(tsv|tab)$/i.test(name) ? TAB : undefined;
}

export function sniffDialect(sample: Uint8Array, options: SniffOptions = {}): SniffResult {
  const bytes = sample.subarray(0, SNIFF_BYTES);
  const complete = options.complete === true && sample.length <= SNIFF_BYTES;
  if (options.delimiter !== undefined) {
    const forced = score(options.delimiter, bytes, complete);
    return { dialect: { delimiter: options.delimiter, quote: QUOTE }, confidence: 1, reason: `${show(options.delimiter)} forced`, fieldCount: forced.mode };
  }
  const scores = CANDIDATES.map((d) => score(d, bytes, complete));
  const ranked = [...scores].sort(compare);
  const best = ranked[0]!;
  const dialect = { delimiter: best.delimiter, quote: QUOTE };
  if (best.rows === 0) {
    return { dialect: { delimiter: COMMA, quote: QUOTE }, confidence: 0, reason: "no complete row in the sample; assuming ','", fieldCount: 0 };
  }
  if (best.mode < 2) {
    return {
      dialect: { delimiter: COMMA, quote: QUOTE },
      confidence: 0.3,
      reason: `no candidate delimiter splits the ${best.rows} sampled rows consistently: read as a single column (',')`,
      fieldCount: 1,
    };
  }
  let confidence = best.consistency;
  if (best.error !== null) confidence *= 0.5;
  const second = ranked[1];
  if (second !== undefined && eligible(second) && second.consistency >= best.consistency) confidence *= 0.75;
  if (best.rows < 2) confidence *= 0.5;
  const others = ranked
    .slice(1)
    .map((s) => `${show(s.delimiter)}: ${s.error ?? `${fields(s.mode)} on ${s.modeRows} of ${s.rows} rows`}`)
    .join("; ");
  return {
    dialect,
    confidence: Math.round(confidence * 100) / 100,
    reason:
      `${show(best.delimiter)} gives ${fields(best.mode)} on ${best.modeRows} of ${best.rows} sampled rows` +
      `${best.error ? `, then ${best.error}` : ""} (${others})`,
    fieldCount: best.mode,
  };
}

interface Score {
  delimiter: number;
  rows: number;
  mode: number;
  modeRows: number;
  consistency: number;
  clean: number;
  error: string | null;
}

class StopSniffing extends Error {}

function score(delimiter: number, sample: Uint8Array, complete: boolean): Score {
  const counts = new Map<number, number>();
  let rows = 0;
  let fields = 0;
  let dirty = 0;
  let error: string | null = null;
  const others: readonly number[] = CANDIDATES.filter((c) => c !== delimiter);
  const sink = {
    row(f: FieldView) {
      counts.set(f.count, (counts.get(f.count) ?? 0) + 1);
      fields += f.count;
      for (let i = 0; i < f.count; i++) if (f.quoted[i] === 0 && isDirty(f, i, delimiter, others)) dirty++;
      if (++rows >= SNIFF_ROWS) throw new StopSniffing();
    },
  };
  const tokenizer = new CsvTokenizer({ delimiter, quote: QUOTE }, sink);
  try {
    tokenizer.push(sample);
    if (complete) tokenizer.end();
  } catch (err) {
    // Invalid UTF-8 is not the delimiter's fault: the rows before it are the sample.
    if (err instanceof CsvError) error = err.code === "CSV_INVALID_UTF8" ? null : `${err.code} at line ${err.line}`;
    else if (!(err instanceof StopSniffing)) throw err;
  }
  let mode = 0;
  let modeRows = 0;
  for (const [count, n] of counts) {
    if (n > modeRows || (n === modeRows && count > mode)) {
      mode = count;
      modeRows = n;
    }
  }
  return { delimiter, rows, mode, modeRows, consistency: rows ? modeRows / rows : 0, clean: fields ? 1 - dirty / fields : 0, error };
}

const DECIMAL_COMMA = /^[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+$/;

/** An unquoted field holding another candidate delimiter hints that this delimiter is wrong. */
function isDirty(f: FieldView, i: number, delimiter: number, others: readonly number[]): boolean {
  const buf = f.buf;
  let comma = false;
  for (let p = f.start[i]!, e = f.end[i]!; p < e; p++) {
    const b = buf[p]!;
    if (b === COMMA) comma = true;
    else if (others.includes(b)) return true;
  }
  return comma && delimiter !== COMMA && !DECIMAL_COMMA.test(f.text(i).trim());
}

function eligible(s: Score): boolean {
  return s.rows > 0 && s.mode >= 2 && s.error === null;
}

/** Several fields per row, even if the sample then breaks (when every candidate breaks, the file is broken). */
function splits(s: Score): boolean {
  return s.rows > 0 && s.mode >= 2;
}

function compare(a: Score, b: Score): number {
  return (
    Number(eligible(b)) - Number(eligible(a)) ||
    Number(splits(b)) - Number(splits(a)) ||
    round(b.consistency) - round(a.consistency) ||
    round(b.clean) - round(a.clean) ||
    b.mode - a.mode ||
    CANDIDATES.indexOf(a.delimiter as (typeof CANDIDATES)[number]) - CANDIDATES.indexOf(b.delimiter as (typeof CANDIDATES)[number])
  );
}

/** Shares compared to 0.1 %, so that one odd row in a thousand does not beat a cleaner candidate. */
function round(x: number): number {
  return Math.round(x * 1000);
}

function fields(n: number): string {
  return n === 1 ? "1 field" : `${n} fields`;
}

function show(delimiter: number): string {
  return delimiter === TAB ? "tab" : `'${String.fromCharCode(delimiter)}'`;
}
