/**
 * Thrift PageHeader for the two page kinds this writer emits: data page v1 and dictionary page.
 *
 * Data page v1 rather than v2: every Parquet reader in use (old Spark/Hive/Athena included)
 * reads v1, and with a flat OPTIONAL schema v2's advantage (levels readable without
 * decompressing) is worth little, since definition levels are a few bytes of RLE anyway.
 * No page statistics or CRC: chunk statistics live in the footer, where readers prune with them.
 */

import type { ThriftCompactWriter } from "./thrift-compact-writer.ts";
import { Encoding, PageType } from "./parquet-enums.ts";

export function writeDataPageHeader(
  thrift: ThriftCompactWriter,
  uncompressedSize: number,
  compressedSize: number,
  valueCount: number,
  valueEncoding: Encoding,
): void {
  thrift.beginStruct();
  thrift.i32Field(1, PageType.DATA_PAGE);
  thrift.i32Field(2, uncompressedSize);
  thrift.i32Field(3, compressedSize);
  thrift.structField(5); // DataPageHeader
  thrift.i32Field(1, valueCount); // values including nulls
  thrift.i32Field(2, valueEncoding);
  thrift.i32Field(3, Encoding.RLE); // definition levels
  thrift.i32Field(4, Encoding.RLE); // repetition levels (none: flat schema)
  thrift.endStruct();
  thrift.endStruct();
}

export function writeDictionaryPageHeader(
  thrift: ThriftCompactWriter,
  uncompressedSize: number,
  compressedSize: number,
  entryCount: number,
): void {
  thrift.beginStruct();
  thrift.i32Field(1, PageType.DICTIONARY_PAGE);
  thrift.i32Field(2, uncompressedSize);
  thrift.i32Field(3, compressedSize);
  thrift.structField(7); // DictionaryPageHeader
  thrift.i32Field(1, entryCount);
  thrift.i32Field(2, Encoding.PLAIN);
  thrift.endStruct();
  thrift.endStruct();
}
