/**
 * `dsp convert FILE [-o OUT]`: converts one table export to Parquet exactly as `dsp run` would
 * before uploading it, without S3 and without a configuration. For operators (what will this export
 * look like in the bucket? why was it refused?) and for the conversion benchmark, which times the
 * compiled binary against DuckDB. Writes only where it is told: OUT, or standard output.
 *
 * A column that needs a wider type than the sample showed restarts the conversion; that needs an
 * output that can be started over (a regular file, truncated), not a pipe.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { ColumnType, Compression } from "../convert/column-types.ts";
import { ConversionError, WidenNeeded } from "../convert/table-converter.ts";
import { converterFor, tableFormatOf } from "../convert/table-kind.ts";
import { VERSION } from "../version.ts";
import { EXIT } from "./exit-codes.ts";
import { ExitError } from "./setup.ts";

export interface ConvertFlags {
  out?: string;
  compression?: string;
  rowGroupSize?: string;
  /** commander's negation of --single-thread. */
  singleThread?: boolean;
}

const MiB = 1024 * 1024;

export async function convertCommand(input: string, flags: ConvertFlags): Promise<number> {
  const format = tableFormatOf(input);
  if (!format) throw new ExitError(EXIT.CONFIG, `${input}: not a table export dsp converts (.csv, .tsv)`);
  const compression = parseCompression(flags.compression ?? "zstd");
  const rowGroupBytes = flags.rowGroupSize ? Number(flags.rowGroupSize) * MiB : 16 * MiB;
  if (!(rowGroupBytes >= MiB)) throw new ExitError(EXIT.CONFIG, `--row-group-size: expected a number of MiB, at least 1, got "${flags.rowGroupSize}"`);
  const outFd = flags.out ? openSync(flags.out, "w") : 1;
  const seekable = fstatSync(outFd).isFile();
  const handle = await open(input, "r");
  const size = (await handle.stat()).size;
  const started = performance.now();
  const overrides = new Map<string, ColumnType>();
  const convert = converterFor(format);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await convert(chunks(handle.fd, size), async (chunk) => writeAll(outFd, chunk), {
          name: input,
          compression,
          rowGroupBytes,
          keyValueMetadata: { "dsp.source": input, "dsp.version": VERSION },
          typeOverrides: overrides,
          parallelEncoding: !flags.singleThread && availableParallelism() > 1,
        });
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `${input}: ${r.rows} rows, ${r.columns.length} columns (${describeColumns(r.columns)}), ` +
            `${Object.entries(r.details).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")}; ${size} → ${r.bytes} bytes ` +
            `(${((100 * r.bytes) / Math.max(1, size)).toFixed(1)}%) in ${seconds.toFixed(2)} s, ${(size / 1e6 / seconds).toFixed(1)} MB/s\n`,
        );
        for (const rn of r.renames) process.stderr.write(`  column ${rn.column} renamed from ${JSON.stringify(rn.from)} to ${JSON.stringify(rn.to)} (${rn.why})\n`);
        return EXIT.OK;
      } catch (err) {
        if (err instanceof WidenNeeded && seekable) {
          process.stderr.write(`${input}: ${err.message}\n`);
          overrides.set(err.columnName, err.to);
          ftruncateSync(outFd, 0);
          continue;
        }
        if (err instanceof WidenNeeded) throw new ExitError(EXIT.FATAL, `${input}: ${err.message}; write to a file (-o) so the conversion can start over`);
        if (err instanceof ConversionError) throw new ExitError(EXIT.FILES_FAILED, `${input}: ${err.code}: ${err.message}`);
        throw err;
      }
    }
  } finally {
    await handle.close();
    if (outFd !== 1) closeSync(outFd);
  }
}

function parseCompression(text: string): Compression {
  if (text === "zstd") return "ZSTD";
  if (text === "snappy") return "SNAPPY";
  throw new ExitError(EXIT.CONFIG, `--compression: expected zstd or snappy, got "${text}"`);
}

async function* chunks(fd: number, size: number): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(MiB);
  for (let pos = 0; pos < size; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - pos), pos);
    if (n === 0) break;
    pos += n;
    yield buffer.subarray(0, n);
  }
}

function writeAll(fd: number, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
}

/** The first columns with their types; a wide table (XML exports reach hundreds) is cut short. */
function describeColumns(columns: readonly { name: string; type: string }[], max = 24): string {
  const shown = columns.slice(0, max).map((c) => `${c.name}:${c.type}`).join(", ");
  return columns.length > max ? `${shown}, … ${columns.length - max} more` : shown;
}
