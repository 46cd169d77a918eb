/**
 * Checks that a row group's column chunks match the schema and are internally consistent before
 * anything is encoded, so a producer bug becomes a clear Error instead of a corrupt file. The
 * byte-array offsets check is one pass over `offsets` (cheap next to encoding) and is what lets
 * the encoders trust every range they copy.
 */

import type { ColumnChunk, ColumnSpec } from "../column-types.ts";
import { isByteArrayChunk } from "./column-physical-types.ts";

/** Returns the row count shared by all chunks. */
export function validateRowGroup(schema: readonly ColumnSpec[], columns: readonly ColumnChunk[]): number {
  if (columns.length !== schema.length) {
    throw new Error(`row group has ${columns.length} columns, schema has ${schema.length}`);
  }
  const rows = columns[0]?.rows ?? 0;
  for (let c = 0; c < columns.length; c++) {
    const spec = schema[c]!;
    const chunk = columns[c]!;
    const where = `column ${c} "${spec.name}"`;
    if (chunk.type !== spec.type) throw new Error(`${where}: chunk type ${chunk.type}, schema type ${spec.type}`);
    if (!Number.isInteger(chunk.rows) || chunk.rows < 0) throw new Error(`${where}: invalid row count ${chunk.rows}`);
    if (chunk.rows !== rows) throw new Error(`${where}: ${chunk.rows} rows, column 0 has ${rows}`);
    if (chunk.nulls.length < rows) throw new Error(`${where}: null mask has ${chunk.nulls.length} entries for ${rows} rows`);
    validateValues(chunk, where);
  }
  return rows;
}

function validateValues(chunk: ColumnChunk, where: string): void {
  if (isByteArrayChunk(chunk)) {
    const { offsets, data, rows } = chunk;
    if (offsets.length < rows + 1) throw new Error(`${where}: offsets has ${offsets.length} entries for ${rows} rows (needs rows + 1)`);
    if (offsets[0]! < 0) throw new Error(`${where}: offsets[0] is negative`);
    for (let i = 0; i < rows; i++) {
      if (offsets[i + 1]! < offsets[i]!) throw new Error(`${where}: offsets decrease at row ${i}`);
    }
    if (offsets[rows]! > data.length) throw new Error(`${where}: offsets reach ${offsets[rows]} past data length ${data.length}`);
    return;
  }
  if (chunk.values.length < chunk.rows) {
    throw new Error(`${where}: ${chunk.values.length} values for ${chunk.rows} rows`);
  }
}
