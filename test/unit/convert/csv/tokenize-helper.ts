/** Test helper: runs the tokenizer over an input split into given chunks and copies out every row. */

import { expect } from "bun:test";
import { CsvError } from "../../../../src/convert/csv/csv-error.ts";
import { CsvTokenizer, type CsvTokenizerOptions } from "../../../../src/convert/csv/csv-tokenizer.ts";

export interface Row {
  line: number;
  /** Field texts, null for an unquoted empty field. */
  fields: (string | null)[];
  quoted: boolean[];
}

export interface Result {
  rows: Row[];
  error?: { code: string; line: number; column: number; message: string };
}

export const enc = (s: string) => new TextEncoder().encode(s);

export function tokenize(input: string | Uint8Array, opts: { delimiter?: string; chunks?: number[] | number } & CsvTokenizerOptions = {}): Result {
  const bytes = typeof input === "string" ? enc(input) : input;
  const rows: Row[] = [];
  const delimiter = (opts.delimiter ?? ",").charCodeAt(0);
  const tok = new CsvTokenizer(
    { delimiter, quote: 0x22 },
    {
      row(f, line) {
        expect(f.line).toBe(line);
        const fields: (string | null)[] = [];
        const quoted: boolean[] = [];
        for (let i = 0; i < f.count; i++) {
          fields.push(f.isNull(i) ? null : f.text(i));
          quoted.push(f.quoted[i] === 1);
        }
        rows.push({ line, fields, quoted });
      },
    },
    opts,
  );
  try {
    for (const chunk of split(bytes, opts.chunks)) tok.push(chunk);
    tok.end();
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    return { rows, error: { code: err.code, line: err.line, column: err.column, message: err.message } };
  }
  return { rows };
}

/** Cuts bytes into chunks: a fixed size, or the given cut lengths (the rest in one chunk). Copies, so no chunk sees its neighbours. */
export function split(bytes: Uint8Array, chunks?: number[] | number): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (chunks === undefined) return [bytes.slice()];
  let p = 0;
  if (typeof chunks === "number") {
    for (; p < bytes.length; p += chunks) out.push(bytes.slice(p, p + chunks));
    return out;
  }
  for (const n of chunks) {
    out.push(bytes.slice(p, p + n));
    p += n;
  }
  out.push(bytes.slice(p));
  return out;
}

/** Just the field values. */
export const values = (r: Result) => r.rows.map((row) => row.fields);
