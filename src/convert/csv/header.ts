/**
 * Is the first row a header? Decided from the first row and a sample of the rows after it (as
 * strings: this runs once per file). The rule, column by column (only columns with a non-empty
 * first-row value give evidence):
 *
 *   - a column whose sampled values are all numbers, all dates/timestamps or all booleans:
 *       first value is text            -> header evidence ("price" above 3.50, 4.20)
 *       first value of that same kind  -> data evidence   (17 above 3.50, 4.20)
 *   - a text or mixed column whose sampled values contain the first value -> data evidence
 *     (a header name does not reappear as a value; "France" above "Spain", "France" does)
 *
 * Header if header evidence >= data evidence > 0 or header evidence alone; no header if data
 * evidence wins. Typed evidence is the strong signal; it is what Python's csv.Sniffer and
 * DuckDB's sniffer use too.
 *
 * When no column gives evidence (everything is text and nothing repeats, or there is no row
 * after the first), it is ambiguous; we prefer a header, as DuckDB does for all-text files,
 * when the first row looks like a list of names: every value non-empty, distinct (ignoring case),
 * not a number/date/boolean, and identifier-like (starts with a letter or _, then letters,
 * digits, spaces and _ - . / ( ) # % &; at most 64 characters and 5 words). A first row of
 * sentences, punctuation-heavy text or blanks is data. Converting a header-less text file as if
 * it had a header loses no data (the values become the column names) and is easy to spot; the
 * caller can force either way.
 */

import { valueKind, type ValueKind } from "./value-kind.ts";

export { makeColumnNames, type ColumnNames, type ColumnRename } from "./column-names.ts";

export interface HeaderDecision {
  hasHeader: boolean;
  /** One line for the log: the deciding evidence. */
  reason: string;
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{M}\p{N}_ .\-/()#%&]*$/u;

export function detectHeader(first: readonly string[], sample: readonly (readonly string[])[]): HeaderDecision {
  if (first.length === 0) return { hasHeader: false, reason: "the first row is empty" };
  let headerVotes = 0;
  let dataVotes = 0;
  let headerWhy = "";
  let dataWhy = "";
  for (let j = 0; j < first.length; j++) {
    const top = first[j]!.trim();
    const topKind = valueKind(top);
    if (topKind === "empty") continue;
    const below: string[] = [];
    const kinds = new Set<ValueKind>();
    for (const row of sample) {
      const v = (row[j] ?? "").trim();
      const k = valueKind(v);
      if (k === "empty") continue;
      below.push(v);
      kinds.add(k);
    }
    if (below.length === 0) continue;
    const columnKind = kinds.size === 1 ? [...kinds][0]! : "mixed";
    if (columnKind === "number" || columnKind === "temporal" || columnKind === "boolean") {
      if (topKind === "text") {
        if (headerVotes++ === 0) headerWhy = `column ${j + 1} is ${describe(columnKind)} below a text first row (${quote(top)})`;
      } else if (topKind === columnKind) {
        if (dataVotes++ === 0) dataWhy = `column ${j + 1} is ${describe(columnKind)} in the first row too (${quote(top)})`;
      }
    } else if (below.includes(top)) {
      if (dataVotes++ === 0) dataWhy = `the first row's ${quote(top)} reappears in column ${j + 1}`;
    }
  }
  if (headerVotes > 0 && headerVotes >= dataVotes) {
    return { hasHeader: true, reason: dataVotes ? `${headerWhy} (against: ${dataWhy})` : headerWhy };
  }
  if (dataVotes > 0) return { hasHeader: false, reason: headerVotes ? `${dataWhy} (against: ${headerWhy})` : dataWhy };
  const notName = first.find((v) => !looksLikeName(v));
  if (notName !== undefined) return { hasHeader: false, reason: `no typed column; the first row's ${quote(notName)} does not look like a column name` };
  const seen = new Set<string>();
  for (const v of first) {
    const key = v.trim().toLowerCase();
    if (seen.has(key)) return { hasHeader: false, reason: `no typed column; the first row repeats ${quote(v)}` };
    seen.add(key);
  }
  return { hasHeader: true, reason: "no typed column; the first row's values are distinct names" };
}

function looksLikeName(raw: string): boolean {
  const v = raw.trim();
  return v.length > 0 && v.length <= 64 && v.split(/\s+/).length <= 5 && valueKind(v) === "text" && IDENTIFIER.test(v);
}

function describe(kind: ValueKind): string {
  return kind === "number" ? "numeric" : kind === "temporal" ? "dates" : "boolean";
}

function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
