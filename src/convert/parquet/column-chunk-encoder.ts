/**
 * Encodes one column chunk (one column of one row group) into its bytes as they appear in the
 * file: an optional dictionary page, then data pages v1, each a thrift PageHeader followed by the
 * compressed body [4-byte definition-levels length][levels (RLE, bit width 1)][values].
 *
 * Value encoding per chunk:
 *   BOOLEAN                  PLAIN (bit-packed)
 *   INT64/DOUBLE/TIMESTAMP/DATE  RLE_DICTIONARY when the distinct values stay under a quarter of
 *                            the non-null rows (decided by a partial pass that stops early), else PLAIN
 *   STRING/JSON              RLE_DICTIONARY when the dictionary stays under half the non-null
 *                            rows and the dictionary page size limit, and dictionary + indices is
 *                            smaller than PLAIN; else PLAIN
 * Pages hold at most `pageSizeBytes` of uncompressed values (at least one row) and `maxPageRows` rows.
 *
 * Invariants: nothing of the input is retained after `encode` returns; the returned `bytes` is a
 * fresh array the caller owns (it may hand it to a sink that keeps it); scratch buffers are
 * reused across calls, so one encoder serves one writer, one chunk at a time.
 */

import type { ColumnChunk, Compression } from "../column-types.ts";
import { ByteArrayDictionaryBuilder } from "./byte-array-dictionary.ts";
import type { Bounds, ChunkStatistics, RowSelection } from "./chunk-statistics.ts";
import { booleanBounds, byteArrayBounds, doubleBounds, int32Bounds, int64Bounds } from "./chunk-statistics.ts";
import type { DictionaryBuild } from "./dictionary-build.ts";
import { isByteArrayChunk } from "./column-physical-types.ts";
import { FixedWidthDictionaryBuilder } from "./fixed-width-dictionary.ts";
import { GrowableBytes, Int32Scratch } from "./scratch-buffers.ts";
import { compressPage } from "./page-compression.ts";
import { writeDataPageHeader, writeDictionaryPageHeader } from "./page-header.ts";
import { Encoding } from "./parquet-enums.ts";
import {
  encodePlainBoolean,
  encodePlainByteArray,
  encodePlainByteArrayRows,
  encodePlainFixedWidth,
  encodePlainFixedWidthRows,
} from "./plain-encoding.ts";
import { bitWidthFor, encodeDefinitionLevels, encodeRleBitPackedHybrid } from "./rle-hybrid.ts";
import { ThriftCompactWriter } from "./thrift-compact-writer.ts";

export interface PageLimits {
  /** Target uncompressed bytes of values per data page. */
  pageSizeBytes: number;
  /** A dictionary page larger than this makes the chunk fall back to PLAIN. */
  dictionaryPageSizeBytes: number;
  /** Rows per data page at most: bounds the per-page scratch arrays. */
  maxPageRows: number;
}

export interface EncodedColumnChunk {
  bytes: Uint8Array;
  /** Header + compressed body of the dictionary page; 0 without one. Data pages start here. */
  dictionaryPageLength: number;
  /** Headers + uncompressed bodies of every page, as ColumnMetaData.total_uncompressed_size wants. */
  totalUncompressedSize: number;
  dataPageCount: number;
  valueEncoding: Encoding;
  statistics: ChunkStatistics;
}

/** More distinct values than these fractions of the non-null rows: dictionary is not worth it. */
const FIXED_WIDTH_DICTIONARY_MAX_RATIO = 1 / 4;
const BYTE_ARRAY_DICTIONARY_MAX_RATIO = 1 / 2;
/** Keeps index bit widths within what the RLE encoder packs (24 bits). */
const MAX_DICTIONARY_ENTRIES = 1 << 20;

type PageEnd = (start: number) => number;
type PageValuesWriter = (start: number, count: number, nonNullBefore: number, pageNonNull: number) => void;

export class ColumnChunkEncoder {
  private readonly body = new GrowableBytes(1 << 16);
  private readonly header = new GrowableBytes(256);
  private readonly thrift = new ThriftCompactWriter(this.header);
  private readonly levelScratch = new Int32Scratch();
  private readonly valueScratch = new Int32Scratch();
  private readonly byteArrayDictionary = new ByteArrayDictionaryBuilder();
  private readonly fixedWidthDictionary = new FixedWidthDictionaryBuilder();
  private parts: Uint8Array[] = [];
  private uncompressedSize = 0;

  constructor(
    private readonly compression: Compression,
    private readonly limits: PageLimits,
    private readonly zstdLevel: number,
  ) {}

  encode(chunk: ColumnChunk): EncodedColumnChunk {
    if (chunk.rows <= 0) throw new Error("cannot encode a column chunk without rows");
    this.parts = [];
    this.uncompressedSize = 0;
    const { rows, nulls } = chunk;
    let nullCount = 0;
    for (let i = 0; i < rows; i++) if (nulls[i] !== 0) nullCount++;
    const nonNull = rows - nullCount;
    const allRows: RowSelection = { nulls, count: rows, rowList: null };

    let dictionary: DictionaryBuild | null = null;
    let bounds: Bounds | undefined;
    let dataPageCount: number;
    let dictionaryPageLength = 0;

    if (chunk.type === "BOOLEAN") {
      bounds = booleanBounds(chunk.values, allRows);
      const perPage = this.rowsPerPage(this.limits.pageSizeBytes * 8);
      dataPageCount = this.writeDataPages(chunk, Encoding.PLAIN, (s) => Math.min(rows, s + perPage), (s, n, _b, pageNonNull) =>
        encodePlainBoolean(chunk.values, nulls, s, n, pageNonNull, this.body),
      );
    } else if (isByteArrayChunk(chunk)) {
      const { data, offsets } = chunk;
      dictionary = this.tryByteArrayDictionary(data, offsets, nulls, rows, nonNull);
      bounds = byteArrayBounds(data, offsets, dictionary ? this.entries(nulls, dictionary) : allRows);
      if (dictionary) {
        this.body.reset();
        encodePlainByteArrayRows(data, offsets, dictionary.entryRows, dictionary.entryCount, this.body);
        dictionaryPageLength = this.emitPage(null, dictionary.entryCount);
        dataPageCount = this.writeDictionaryDataPages(chunk, dictionary);
      } else {
        const { pageSizeBytes, maxPageRows } = this.limits;
        const pageEnd: PageEnd = (start) => {
          const last = Math.min(rows, start + maxPageRows);
          let bytes = 0;
          let end = start;
          while (end < last && bytes < pageSizeBytes) {
            bytes += 4 + offsets[end + 1]! - offsets[end]!;
            end++;
          }
          return end;
        };
        dataPageCount = this.writeDataPages(chunk, Encoding.PLAIN, pageEnd, (s, n, _b, pageNonNull) =>
          encodePlainByteArray(data, offsets, nulls, s, n, pageNonNull, this.body),
        );
      }
    } else {
      const wordsPerValue: 1 | 2 = chunk.type === "DATE" ? 1 : 2;
      const words = new Int32Array(chunk.values.buffer, chunk.values.byteOffset, chunk.values.length * wordsPerValue);
      dictionary = this.tryFixedWidthDictionary(words, wordsPerValue, nulls, rows, nonNull);
      const selection = dictionary ? this.entries(nulls, dictionary) : allRows;
      if (chunk.type === "DOUBLE") bounds = doubleBounds(chunk.values, selection);
      else if (chunk.type === "DATE") bounds = int32Bounds(words, selection);
      else bounds = int64Bounds(words, selection);
      if (dictionary) {
        this.body.reset();
        encodePlainFixedWidthRows(words, wordsPerValue, dictionary.entryRows, dictionary.entryCount, this.body, this.valueScratch);
        dictionaryPageLength = this.emitPage(null, dictionary.entryCount);
        dataPageCount = this.writeDictionaryDataPages(chunk, dictionary);
      } else {
        const perPage = this.rowsPerPage(Math.floor(this.limits.pageSizeBytes / (4 * wordsPerValue)));
        dataPageCount = this.writeDataPages(chunk, Encoding.PLAIN, (s) => Math.min(rows, s + perPage), (s, n, _b, pageNonNull) =>
          encodePlainFixedWidth(words, wordsPerValue, nulls, s, n, pageNonNull, this.body, this.valueScratch),
        );
      }
    }

    const statistics: ChunkStatistics = { nullCount };
    if (dictionary) statistics.distinctCount = dictionary.entryCount;
    if (bounds) (statistics.min = bounds.min), (statistics.max = bounds.max);
    return {
      bytes: concatParts(this.parts),
      dictionaryPageLength,
      totalUncompressedSize: this.uncompressedSize,
      dataPageCount,
      valueEncoding: dictionary ? Encoding.RLE_DICTIONARY : Encoding.PLAIN,
      statistics,
    };
  }

  private tryFixedWidthDictionary(words: Int32Array, wordsPerValue: 1 | 2, nulls: Uint8Array, rows: number, nonNull: number): DictionaryBuild | null {
    const valueBytes = 4 * wordsPerValue;
    const maxEntries = Math.min(
      Math.floor(nonNull * FIXED_WIDTH_DICTIONARY_MAX_RATIO),
      Math.floor(this.limits.dictionaryPageSizeBytes / valueBytes),
      MAX_DICTIONARY_ENTRIES,
    );
    if (maxEntries < 1) return null;
    const builder = this.fixedWidthDictionary;
    if (!builder.build(words, wordsPerValue, nulls, rows, nonNull, maxEntries)) return null;
    return dictionaryPays(builder, nonNull, nonNull * valueBytes) ? builder : null;
  }

  private tryByteArrayDictionary(data: Uint8Array, offsets: Int32Array, nulls: Uint8Array, rows: number, nonNull: number): DictionaryBuild | null {
    const maxEntries = Math.min(Math.floor(nonNull * BYTE_ARRAY_DICTIONARY_MAX_RATIO), MAX_DICTIONARY_ENTRIES);
    if (maxEntries < 1) return null;
    const builder = this.byteArrayDictionary;
    if (!builder.build(data, offsets, nulls, rows, nonNull, maxEntries, this.limits.dictionaryPageSizeBytes)) return null;
    const plainBytes = offsets[rows]! - offsets[0]! + 4 * nonNull;
    return dictionaryPays(builder, nonNull, plainBytes) ? builder : null;
  }

  private entries(nulls: Uint8Array, dictionary: DictionaryBuild): RowSelection {
    return { nulls, count: dictionary.entryCount, rowList: dictionary.entryRows };
  }

  private writeDictionaryDataPages(chunk: ColumnChunk, dictionary: DictionaryBuild): number {
    const bitWidth = bitWidthFor(dictionary.entryCount - 1);
    const perPage = this.rowsPerPage(Math.floor((this.limits.pageSizeBytes * 8) / bitWidth));
    return this.writeDataPages(chunk, Encoding.RLE_DICTIONARY, (s) => Math.min(chunk.rows, s + perPage), (_s, _n, nonNullBefore, pageNonNull) => {
      this.body.pushByte(bitWidth);
      encodeRleBitPackedHybrid(dictionary.indices, nonNullBefore, pageNonNull, bitWidth, this.body);
    });
  }

  private rowsPerPage(bySize: number): number {
    return Math.max(1, Math.min(this.limits.maxPageRows, bySize));
  }

  /** Splits rows into pages with `pageEnd`; per page: levels, then `writeValues` for the values. */
  private writeDataPages(chunk: ColumnChunk, encoding: Encoding, pageEnd: PageEnd, writeValues: PageValuesWriter): number {
    let start = 0;
    let nonNullBefore = 0;
    let pages = 0;
    while (start < chunk.rows) {
      const end = pageEnd(start);
      const count = end - start;
      this.body.reset();
      const pageNonNull = encodeDefinitionLevels(chunk.nulls, start, count, this.body, this.levelScratch.get(count));
      writeValues(start, count, nonNullBefore, pageNonNull);
      this.emitPage(encoding, count);
      nonNullBefore += pageNonNull;
      start = end;
      pages++;
    }
    return pages;
  }

  /** Compresses the body, prepends its header; `encoding` null means the dictionary page. */
  private emitPage(encoding: Encoding | null, valueCount: number): number {
    const uncompressed = this.body.view();
    const compressed = compressPage(this.compression, uncompressed, this.zstdLevel);
    this.header.reset();
    if (encoding === null) writeDictionaryPageHeader(this.thrift, uncompressed.length, compressed.length, valueCount);
    else writeDataPageHeader(this.thrift, uncompressed.length, compressed.length, valueCount, encoding);
    const header = this.header.copyOut();
    this.parts.push(header, compressed);
    this.uncompressedSize += header.length + uncompressed.length;
    return header.length + compressed.length;
  }
}

/** Dictionary page plus bit-packed indices against PLAIN, both before compression. */
function dictionaryPays(dictionary: DictionaryBuild, nonNull: number, plainBytes: number): boolean {
  const indexBytes = Math.ceil((nonNull * bitWidthFor(dictionary.entryCount - 1)) / 8) + 1;
  return dictionary.plainBytes + indexBytes < plainBytes;
}

function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
