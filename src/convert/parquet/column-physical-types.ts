/**
 * How each dsp ColumnType is stored in Parquet (see the table in ../column-types.ts): the
 * physical type, the modern LogicalType and, where one exists, the legacy ConvertedType so old
 * readers agree. TIMESTAMP_LOCAL gets no ConvertedType on purpose: TIMESTAMP_MICROS implies
 * isAdjustedToUTC=true, which would be a lie for wall-clock times.
 */

import type { ColumnChunk, ColumnType } from "../column-types.ts";
import { ConvertedType, PhysicalType } from "./parquet-enums.ts";

export type LogicalAnnotation =
  | { kind: "STRING" }
  | { kind: "JSON" }
  | { kind: "DATE" }
  | { kind: "TIMESTAMP_MICROS"; isAdjustedToUTC: boolean };

export interface ParquetColumnType {
  physical: PhysicalType;
  logical?: LogicalAnnotation;
  converted?: ConvertedType;
}

export const PARQUET_COLUMN_TYPES: Record<ColumnType, ParquetColumnType> = {
  BOOLEAN: { physical: PhysicalType.BOOLEAN },
  INT64: { physical: PhysicalType.INT64 },
  DOUBLE: { physical: PhysicalType.DOUBLE },
  DATE: { physical: PhysicalType.INT32, logical: { kind: "DATE" }, converted: ConvertedType.DATE },
  TIMESTAMP_UTC: {
    physical: PhysicalType.INT64,
    logical: { kind: "TIMESTAMP_MICROS", isAdjustedToUTC: true },
    converted: ConvertedType.TIMESTAMP_MICROS,
  },
  TIMESTAMP_LOCAL: { physical: PhysicalType.INT64, logical: { kind: "TIMESTAMP_MICROS", isAdjustedToUTC: false } },
  STRING: { physical: PhysicalType.BYTE_ARRAY, logical: { kind: "STRING" }, converted: ConvertedType.UTF8 },
  JSON: { physical: PhysicalType.BYTE_ARRAY, logical: { kind: "JSON" }, converted: ConvertedType.JSON },
};

/** True for STRING and JSON chunks; a type guard because `type === "STRING" || ...` does not narrow the union. */
export function isByteArrayChunk(chunk: ColumnChunk): chunk is Extract<ColumnChunk, { data: Uint8Array }> {
  return chunk.type === "STRING" || chunk.type === "JSON";
}
