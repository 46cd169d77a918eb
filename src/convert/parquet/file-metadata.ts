/**
 * Serializes the footer, parquet.thrift `FileMetaData` (format version 2), from what the writer
 * kept of each column chunk: offsets, sizes, encodings and statistics, never data.
 *
 * Choices worth knowing:
 * - Schema: a root group "schema" with one OPTIONAL leaf per column; leaves carry both the
 *   LogicalType and, where one exists, the legacy ConvertedType (column-physical-types.ts).
 * - ColumnChunk.file_offset is 0: the field is deprecated and the spec asks for 0 when no
 *   ColumnMetaData is written outside the footer.
 * - column_orders is TypeDefinedOrder for every column: without it, readers (Arrow among them)
 *   distrust min_value/max_value of strings.
 * - Statistics carry min_value/max_value; for the signed-order types the deprecated min/max too,
 *   which mean the same there and are all that older readers look at.
 */

import type { ColumnSpec } from "../column-types.ts";
import type { ChunkStatistics } from "./chunk-statistics.ts";
import { PARQUET_COLUMN_TYPES } from "./column-physical-types.ts";
import type { LogicalAnnotation } from "./column-physical-types.ts";
import type { GrowableBytes } from "./scratch-buffers.ts";
import { Encoding, PageType, PhysicalType, Repetition } from "./parquet-enums.ts";
import type { CompressionCodec } from "./parquet-enums.ts";
import { ThriftCompactWriter } from "./thrift-compact-writer.ts";

export interface ColumnChunkFooterEntry {
  /** Absolute file offset of the dictionary page, if the chunk has one. */
  dictionaryPageOffset?: number;
  /** Absolute file offset of the first data page. */
  dataPageOffset: number;
  totalCompressedSize: number;
  totalUncompressedSize: number;
  numValues: number;
  valueEncoding: Encoding;
  dataPageCount: number;
  statistics: ChunkStatistics;
}

export interface RowGroupFooterEntry {
  numRows: number;
  fileOffset: number;
  totalByteSize: number;
  totalCompressedSize: number;
  columns: ColumnChunkFooterEntry[];
}

export interface FooterInput {
  schema: readonly ColumnSpec[];
  codec: CompressionCodec;
  rowGroups: readonly RowGroupFooterEntry[];
  keyValueMetadata: Record<string, string>;
  createdBy: string;
}

/** Appends the thrift-encoded FileMetaData (without the trailing length and magic) to `out`. */
export function writeFileMetaData(out: GrowableBytes, input: FooterInput): void {
  const t = new ThriftCompactWriter(out);
  const { schema, rowGroups } = input;
  t.beginStruct();
  t.i32Field(1, 2); // version
  t.listField(2, "struct", schema.length + 1);
  t.beginStruct(); // root
  t.stringField(4, "schema");
  t.i32Field(5, schema.length);
  t.endStruct();
  for (const column of schema) writeSchemaLeaf(t, column);
  t.i64Field(3, rowGroups.reduce((rows, rg) => rows + rg.numRows, 0));
  t.listField(4, "struct", rowGroups.length);
  for (const rowGroup of rowGroups) writeRowGroup(t, rowGroup, input);
  const keyValues = Object.entries(input.keyValueMetadata);
  if (keyValues.length > 0) {
    t.listField(5, "struct", keyValues.length);
    for (const [key, value] of keyValues) {
      t.beginStruct();
      t.stringField(1, key);
      t.stringField(2, value);
      t.endStruct();
    }
  }
  t.stringField(6, input.createdBy);
  t.listField(7, "struct", schema.length);
  for (let c = 0; c < schema.length; c++) {
    t.beginStruct(); // ColumnOrder union
    t.structField(1); // TYPE_ORDER
    t.endStruct();
    t.endStruct();
  }
  t.endStruct();
  if (!t.balanced) throw new Error("FileMetaData serialization left a struct open");
}

function writeSchemaLeaf(t: ThriftCompactWriter, column: ColumnSpec): void {
  const type = PARQUET_COLUMN_TYPES[column.type];
  if (!type) throw new Error(`column "${column.name}": unknown column type ${String(column.type)}`);
  t.beginStruct();
  t.i32Field(1, type.physical);
  t.i32Field(3, Repetition.OPTIONAL);
  t.stringField(4, column.name);
  if (type.converted !== undefined) t.i32Field(6, type.converted);
  if (type.logical) writeLogicalType(t, 10, type.logical);
  t.endStruct();
}

function writeLogicalType(t: ThriftCompactWriter, fieldId: number, logical: LogicalAnnotation): void {
  t.structField(fieldId); // LogicalType union: exactly one member set
  switch (logical.kind) {
    case "STRING":
      t.structField(1);
      t.endStruct();
      break;
    case "DATE":
      t.structField(6);
      t.endStruct();
      break;
    case "TIMESTAMP_MICROS":
      t.structField(8);
      t.boolField(1, logical.isAdjustedToUTC);
      t.structField(2); // TimeUnit union
      t.structField(2); // MICROS
      t.endStruct();
      t.endStruct();
      t.endStruct();
      break;
    case "JSON":
      t.structField(12);
      t.endStruct();
      break;
  }
  t.endStruct();
}

function writeRowGroup(t: ThriftCompactWriter, rowGroup: RowGroupFooterEntry, input: FooterInput): void {
  t.beginStruct();
  t.listField(1, "struct", rowGroup.columns.length);
  rowGroup.columns.forEach((column, c) => {
    t.beginStruct(); // ColumnChunk
    t.i64Field(2, 0); // file_offset: deprecated, see the file comment
    t.structField(3);
    writeColumnMetaData(t, column, input.schema[c]!, input.codec);
    t.endStruct(); // ColumnMetaData
    t.endStruct(); // ColumnChunk
  });
  t.i64Field(2, rowGroup.totalByteSize);
  t.i64Field(3, rowGroup.numRows);
  t.i64Field(5, rowGroup.fileOffset);
  t.i64Field(6, rowGroup.totalCompressedSize);
  t.endStruct();
}

function writeColumnMetaData(t: ThriftCompactWriter, column: ColumnChunkFooterEntry, spec: ColumnSpec, codec: CompressionCodec): void {
  const physical = PARQUET_COLUMN_TYPES[spec.type].physical;
  const dictionary = column.valueEncoding === Encoding.RLE_DICTIONARY;
  t.i32Field(1, physical);
  const encodings = dictionary ? [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY] : [Encoding.PLAIN, Encoding.RLE];
  t.listField(2, "i32", encodings.length);
  for (const encoding of encodings) t.i32Element(encoding);
  t.listField(3, "binary", 1);
  t.stringElement(spec.name);
  t.i32Field(4, codec);
  t.i64Field(5, column.numValues);
  t.i64Field(6, column.totalUncompressedSize);
  t.i64Field(7, column.totalCompressedSize);
  t.i64Field(9, column.dataPageOffset);
  if (column.dictionaryPageOffset !== undefined) t.i64Field(11, column.dictionaryPageOffset);
  writeStatistics(t, column.statistics, physical !== PhysicalType.BYTE_ARRAY);
  const stats: [PageType, Encoding, number][] = dictionary
    ? [[PageType.DICTIONARY_PAGE, Encoding.PLAIN, 1], [PageType.DATA_PAGE, Encoding.RLE_DICTIONARY, column.dataPageCount]]
    : [[PageType.DATA_PAGE, Encoding.PLAIN, column.dataPageCount]];
  t.listField(13, "struct", stats.length);
  for (const [pageType, encoding, count] of stats) {
    t.beginStruct();
    t.i32Field(1, pageType);
    t.i32Field(2, encoding);
    t.i32Field(3, count);
    t.endStruct();
  }
}

function writeStatistics(t: ThriftCompactWriter, statistics: ChunkStatistics, signedOrder: boolean): void {
  const { min, max, nullCount, distinctCount } = statistics;
  t.structField(12);
  if (min && max && signedOrder) {
    t.binaryField(1, max);
    t.binaryField(2, min);
  }
  t.i64Field(3, nullCount);
  if (distinctCount !== undefined) t.i64Field(4, distinctCount);
  if (min && max) {
    t.binaryField(5, max);
    t.binaryField(6, min);
    t.boolField(7, true); // is_max_value_exact
    t.boolField(8, true); // is_min_value_exact
  }
  t.endStruct();
}
