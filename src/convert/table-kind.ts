/**
 * Which files are table exports that dsp converts to Parquet, and the name the Parquet object
 * takes: the same relative path with the table extension replaced by `.parquet` (FR-033):
 * `a/b/sales.csv` → `a/b/sales.parquet`. Extensions are matched case-insensitively (`.CSV` from
 * Windows exporters). `.ndjson` is JSON Lines under another name.
 */
import type { TableConverter } from "./table-converter.ts";
import { convertCsv } from "./csv-to-parquet.ts";
import { convertJson, convertJsonl } from "./json/json-to-parquet.ts";
import { convertXml } from "./xml/xml-to-parquet.ts";

export type TableFormat = "csv" | "tsv" | "xml" | "json" | "jsonl";

const FORMATS: Record<string, TableFormat> = { ".csv": "csv", ".tsv": "tsv", ".xml": "xml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl" };

export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

export function tableFormatOf(relPath: string): TableFormat | undefined {
  const dot = relPath.lastIndexOf(".");
  if (dot <= relPath.lastIndexOf("/") + 1) return undefined; // no extension, or a dotfile name
  return FORMATS[relPath.slice(dot).toLowerCase()];
}

/** `a/b/sales.csv` → `a/b/sales.parquet`. */
export function parquetPathFor(relPath: string): string {
  const dot = relPath.lastIndexOf(".");
  return `${relPath.slice(0, dot)}.parquet`;
}

/** The converter for a format. */
export function converterFor(format: TableFormat): TableConverter {
  switch (format) {
    case "csv":
    case "tsv":
      return convertCsv;
    case "xml":
      return convertXml;
    case "json":
      return convertJson;
    case "jsonl":
      return convertJsonl;
  }
}
