/**
 * Collapses doubled quotes. A row in which some quoted field holds "" is copied, field by field,
 * into a scratch buffer with each "" written as one quote, and the view's ranges are repointed
 * there, so the consumer always sees one buffer per row. Rows without "" (nearly all) never get
 * here. The input's quotes inside such a field always come in pairs: the tokenizer checked it.
 */

import type { FieldView } from "./field-view.ts";

/** Rewrites view's n fields from `buf` into `scratch` (grown if needed, and returned). */
export function unescapeRow(view: FieldView, buf: Uint8Array, n: number, quote: number, scratch: Uint8Array): Uint8Array {
  const starts = view.start;
  const ends = view.end;
  const quoted = view.quoted;
  let total = 0;
  for (let k = 0; k < n; k++) total += ends[k]! - starts[k]!;
  let out = scratch;
  if (out.length < total) out = new Uint8Array(Math.max(total, out.length * 2));
  let w = 0;
  for (let k = 0; k < n; k++) {
    const s = starts[k]!;
    const e = ends[k]!;
    starts[k] = w;
    if (quoted[k]! & 2) {
      for (let p = s; p < e; p++) {
        const b = buf[p]!;
        out[w++] = b;
        if (b === quote) p++; // the second quote of the pair
      }
      quoted[k] = 1;
    } else {
      for (let p = s; p < e; p++) out[w++] = buf[p]!;
    }
    ends[k] = w;
  }
  return out;
}
