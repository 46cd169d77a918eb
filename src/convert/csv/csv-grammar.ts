/**
 * The vocabulary the CSV readers share, so that the tokenizer (row-scanner.ts), the fast path
 * (typed-rows.ts), the carry-over of a row across chunks (row-boundary.ts) and the block cutting
 * for workers (block-cutter.ts) name one grammar the same way.
 *
 * The grammar, as every one of them follows it: a quote is special only at the start of a field;
 * inside a quoted field `""` is a literal quote and the next lone quote closes the field; outside
 * quotes LF, CR or CRLF ends the row and the delimiter ends the field. How each walks the bytes
 * differs on purpose (byte by byte where it must resume anywhere, indexOf/lastIndexOf over
 * quote-free stretches where it cuts blocks, table lookups where it parses), so only the names and
 * the tables are shared, not a walker.
 */

/**
 * Where a walker stands in the grammar, as row-boundary.ts and block-cutter.ts resume it. A const
 * enum, so the bundle puts the numbers themselves in their loops (an imported const would stay a
 * variable there). LF and CR stay local constants in each file for the same reason.
 */
export const enum FieldState {
  FIELD_START,
  UNQUOTED,
  QUOTED,
  /** Just after a quote inside a quoted field: it closes the field, or a second quote follows. */
  QUOTE_IN_QUOTED,
}

/**
 * A byte class table: 1 for the given ASCII bytes and for every byte >= 0x80 (which the scans
 * stop at to check UTF-8), 0 for the rest. One table load per byte measured faster than the three
 * or four comparisons it replaces.
 */
export function stopTable(ascii: number[]): Uint8Array {
  const table = new Uint8Array(256).fill(1, 0x80);
  for (const b of ascii) table[b] = 1;
  return table;
}
