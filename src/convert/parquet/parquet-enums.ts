/**
 * The numeric values of the Parquet thrift enums this writer emits (parquet.thrift, format 2.x).
 * They are wire values: never renumber them. Only the members the writer uses are listed.
 */

/** parquet.thrift `Type`: the physical type of a leaf column. */
export const PhysicalType = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
} as const;
export type PhysicalType = (typeof PhysicalType)[keyof typeof PhysicalType];

/** parquet.thrift `ConvertedType`: the legacy annotation old readers understand. */
export const ConvertedType = {
  UTF8: 0,
  DATE: 6,
  TIMESTAMP_MICROS: 10,
  JSON: 19,
} as const;
export type ConvertedType = (typeof ConvertedType)[keyof typeof ConvertedType];

/** parquet.thrift `FieldRepetitionType`. */
export const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;

/** parquet.thrift `Encoding`. */
export const Encoding = {
  PLAIN: 0,
  RLE: 3,
  RLE_DICTIONARY: 8,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** parquet.thrift `CompressionCodec`. */
export const CompressionCodec = { SNAPPY: 1, ZSTD: 6 } as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];

/** parquet.thrift `PageType`. */
export const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
export type PageType = (typeof PageType)[keyof typeof PageType];

/** The 4 bytes that open and close every Parquet file. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"
