/**
 * A table export (CSV/TSV) converted to Parquet on the way into S3: the file is read in chunks,
 * converted (src/convert), and the Parquet bytes flow through a one-slot channel into the same
 * part source and S3 sink as any stream, so S3's pace sets the converter's pace and no byte of the
 * Parquet touches the disk. Only `<name>.parquet` is uploaded.
 *
 * When a value further down does not fit the type the sample chose, the attempt is abandoned (the
 * sink aborts its multipart upload; a small output was never sent) and the file is converted again
 * from the start with that column widened. Each column can only widen a few times (towards
 * STRING), so the attempts are bounded.
 *
 * Invariant: both sides have settled (upload finished or aborted, converter stopped) before this
 * returns or throws; the converter's own error wins over the upload's reaction to it.
 */
import type { FileHandle } from "node:fs/promises";
import type { ColumnType, Compression } from "../convert/column-types.ts";
import { ConversionError, WidenNeeded, type TableConvertResult } from "../convert/table-converter.ts";
import { converterFor, PARQUET_CONTENT_TYPE, type TableFormat } from "../convert/table-kind.ts";
import { DspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { uploadObject, type UploadDeps, type UploadHooks, type UploadResult } from "../upload/object-upload.ts";
import { streamParts } from "../upload/stream-parts.ts";
import { ByteChannel } from "../util/byte-channel.ts";
import type { Semaphore } from "../util/semaphore.ts";

const READ_CHUNK = 1024 * 1024;
/** Widening goes one way (towards STRING): more restarts than this means something else is wrong. */
const MAX_ATTEMPTS = 64;

export interface TableUploadDeps {
  upload: UploadDeps;
  budget: Semaphore;
  crc32: boolean;
  partSize: number;
  compression: Compression;
  rowGroupBytes: number;
  /** Encode row groups in a worker thread (machines with 2+ cores). */
  parallelEncoding: boolean;
  log: Logger;
}

export interface TableUploadResult {
  upload: UploadResult;
  table: TableConvertResult;
  attempts: number;
}

/**
 * The table's bytes, from the start, once per attempt: a file is read again; an archive entry is
 * the walk's stream the first time and found again by walking the archive afterwards.
 */
export interface TableSource {
  /** For messages and Parquet metadata: the file, or "bundle.zip > d/y.csv". */
  relPath: string;
  format: TableFormat;
  read(attempt: number): AsyncIterable<Uint8Array>;
}

export async function convertAndUpload(
  deps: TableUploadDeps,
  source: TableSource,
  target: { key: string; metadata: Record<string, string> },
  hooks: UploadHooks,
): Promise<TableUploadResult> {
  const overrides = new Map<string, ColumnType>();
  const convert = converterFor(source.format);
  for (let attempt = 1; ; attempt++) {
    const channel = new ByteChannel();
    const converting = convert(source.read(attempt), (chunk) => channel.push(chunk), {
      name: source.relPath,
      compression: deps.compression,
      rowGroupBytes: deps.rowGroupBytes,
      keyValueMetadata: { "dsp.source": source.relPath, "dsp.version": target.metadata["dsp-version"] ?? "" },
      typeOverrides: overrides,
      parallelEncoding: deps.parallelEncoding,
    }).then(
      (r) => {
        channel.close();
        return r;
      },
      (err: unknown) => {
        channel.fail(err);
        throw err;
      },
    );
    const uploading = uploadObject(
      deps.upload,
      { key: target.key, contentType: PARQUET_CONTENT_TYPE, metadata: target.metadata, file: source.relPath },
      streamParts(channel, { partSize: deps.partSize, budget: deps.budget, signal: deps.upload.retry.signal, crc32: deps.crc32 }),
      hooks,
    );
    const [table, upload] = await Promise.allSettled([converting, uploading]);
    if (table.status === "fulfilled" && upload.status === "fulfilled") return { upload: upload.value, table: table.value, attempts: attempt };
    const cause = table.status === "rejected" ? table.reason : (upload as PromiseRejectedResult).reason;
    if (cause instanceof WidenNeeded && attempt < MAX_ATTEMPTS) {
      overrides.set(cause.columnName, cause.to);
      deps.log.info("column type widened: converting again", {
        file: source.relPath,
        column: cause.columnName,
        from: cause.from,
        to: cause.to,
        line: cause.line,
        attempt: attempt + 1,
      });
      continue;
    }
    throw asDspError(cause, source.relPath);
  }
}

/** Conversion failures become the file's failure with the code and position a person needs. */
function asDspError(err: unknown, file: string): unknown {
  if (err instanceof ConversionError) {
    return new DspError("CONVERT_FAILED", err.message, { file, reason: err.code, line: err.line, column: err.column });
  }
  if (err instanceof WidenNeeded) return new DspError("CONVERT_FAILED", `${err.message}, ${MAX_ATTEMPTS} attempts already`, { file, line: err.line });
  return err;
}

/** A file's bytes in order, one reused buffer (the converter copies what it keeps). */
export async function* readChunks(handle: FileHandle, size: number): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(READ_CHUNK);
  for (let pos = 0; pos < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}
