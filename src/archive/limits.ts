/**
 * Limits per top-level file, and the tracker every archive layer reports to.
 *
 * One LimitTracker lives for one file taken from the watched folder, however deep its archives nest.
 * Each layer reports what it costs; the first limit crossed throws an ArchiveError naming the numbers
 * and the configuration key that raises it, and the whole file stops (it goes to the error folder).
 *
 * Defaults and why:
 *  - maxDepth 5. ClamAV's MaxRecursion is 17, but a scanner only reads; we upload every layer, and
 *    real exports rarely nest more than two or three. A tar directly inside gzip/bzip2/xz (.tar.gz)
 *    counts as ONE level: users see one archive, and a 20-level .tar.gz nest is still 20 levels.
 *  - maxEntries 10,000 (ClamAV MaxFiles). Counted across all layers and every kind of entry
 *    (directories, links, skipped ones too): each costs a header parse, a log line, a manifest row.
 *  - maxTotalBytes 128 GiB of decompressed output across all layers. ClamAV's MaxScanSize (400 MB) is
 *    for a scanner that may stop early; we must carry everything, and the requirements accept files
 *    up to 10 GB (SC-006): 10 GB of text at ~10:1 plus headroom. This bounds time, not memory.
 *  - maxRatio 100 after ratioFloorBytes 10 MiB. Apache POI refuses entries inflating more than 100:1
 *    (MIN_INFLATE_RATIO 0.01) once past a grace size; below the floor small files compress as they
 *    like (a 20 KB file of blanks is 1000:1 and harmless). The ratio is total decompressed output over
 *    the compressed bytes read from the file so far, so a bomb stops after ~10 MiB of output, early,
 *    instead of after 100 × the file's size.
 *  - maxDictionaryBytes 128 MiB: the decoder allocates the dictionary up front (so a 1.5 GiB 7z
 *    dictionary is a memory bomb with a tiny input). xz -9 uses 64 MiB; 7-Zip 26's "ultra" preset
 *    (-mx=9) writes 96 MiB for content of 96 MB and more (measured: "LZMA2:96m"), so 64 MiB, the
 *    first default, refused ordinary ultra archives of large exports.
 *
 * What counts: "output" is bytes produced by decompression (gzip, bzip2, xz, deflate in ZIP/7z...).
 * Framing layers (TAR, stored ZIP entries) do not decompress and report nothing, or each tar.gz would
 * count its bytes twice. "input" is bytes read from the top-level file: only the outermost layer
 * reports it. The caller must wire input, or every file past the floor fails the ratio check: a loud
 * failure on purpose, rather than a guard silently switched off.
 */
import { ArchiveError, type ArchiveErrorCode } from "./archive-error.ts";

export interface ArchiveLimits {
  maxDepth: number;
  maxEntries: number;
  maxTotalBytes: number;
  maxRatio: number;
  ratioFloorBytes: number;
  maxDictionaryBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxDepth: 5,
  maxEntries: 10_000,
  maxTotalBytes: 128 * GiB,
  maxRatio: 100,
  ratioFloorBytes: 10 * MiB,
  maxDictionaryBytes: 128 * MiB,
});

/** The configuration key an operator changes to raise each limit (named in every limit message). */
export const LIMIT_CONFIG_KEYS: Readonly<Record<keyof ArchiveLimits, string>> = Object.freeze({
  maxDepth: "DSP_ARCHIVE_MAX_DEPTH",
  maxEntries: "DSP_ARCHIVE_MAX_ENTRIES",
  maxTotalBytes: "DSP_ARCHIVE_MAX_TOTAL_BYTES",
  maxRatio: "DSP_ARCHIVE_MAX_RATIO",
  ratioFloorBytes: "DSP_ARCHIVE_RATIO_FLOOR",
  maxDictionaryBytes: "DSP_ARCHIVE_MAX_DICTIONARY",
});

/** Stream compressors whose content is one file: a tar right inside one is the same archive level. */
const SINGLE_STREAM = new Set(["gzip", "bzip2", "xz", "lzma"]);

interface Layer {
  format: string;
  name: string;
  depth: number;
}

export class LimitTracker {
  readonly limits: Readonly<ArchiveLimits>;
  private readonly file: string;
  private readonly stack: Layer[] = [];
  private input = 0;
  private output = 0;
  private entryCount = 0;

  /** `file` is the top-level file's path relative to the watched folder (for messages). */
  constructor(file: string, limits: Partial<ArchiveLimits> = {}) {
    this.file = file;
    this.limits = Object.freeze({ ...DEFAULT_ARCHIVE_LIMITS, ...limits });
  }

  get depth(): number {
    return this.stack.at(-1)?.depth ?? 0;
  }
  get inputBytes(): number {
    return this.input;
  }
  get outputBytes(): number {
    return this.output;
  }
  get entries(): number {
    return this.entryCount;
  }
  /** "top.zip > inner.tar.gz > deep.zip", for messages. */
  get chain(): string {
    return [this.file, ...this.stack.slice(1).map((l) => l.name)].join(" > ");
  }

  /** Opens one archive layer (`format`: "zip", "tar", "gzip"...; `name`: its path in its parent). */
  enter(format: string, name: string): void {
    const parent = this.stack.at(-1);
    const sameLevel = parent !== undefined && format === "tar" && SINGLE_STREAM.has(parent.format);
    const depth = (parent?.depth ?? 0) + (sameLevel ? 0 : 1);
    if (depth > this.limits.maxDepth) {
      this.fail("ARCHIVE_LIMIT_DEPTH", "maxDepth", `"${name}" would be archive level ${depth} in ${this.chain}`, {
        entry: name,
        depth,
      });
    }
    this.stack.push({ format, name, depth });
  }

  /** Closes the innermost layer (call it in a finally, also when the layer failed). */
  leave(): void {
    this.stack.pop();
  }

  /** Bytes read from the top-level file (outermost layer only). */
  addInput(n: number): void {
    this.input += n;
  }

  /** Bytes produced by a decompressor at any layer. Checked before the bytes are passed on. */
  addOutput(n: number, entry?: string): void {
    this.output += n;
    const { maxTotalBytes, maxRatio, ratioFloorBytes } = this.limits;
    if (this.output > maxTotalBytes) {
      this.fail("ARCHIVE_LIMIT_BYTES", "maxTotalBytes", `${this.file} decompresses to more than ${maxTotalBytes} bytes`, {
        entry,
        outputBytes: this.output,
      });
    }
    if (this.output > ratioFloorBytes && this.output > maxRatio * Math.max(this.input, 1)) {
      const ratio = Math.floor(this.output / Math.max(this.input, 1));
      this.fail(
        "ARCHIVE_LIMIT_RATIO",
        "maxRatio",
        `${this.file} expanded ${ratio}:1 (${this.output} bytes out of ${this.input} read), past the floor of ${ratioFloorBytes} bytes`,
        { entry, outputBytes: this.output, inputBytes: this.input, ratio },
      );
    }
  }

  /** How many more entries the file may have before ARCHIVE_LIMIT_ENTRIES. */
  get entriesLeft(): number {
    return Math.max(0, this.limits.maxEntries - this.entryCount);
  }

  /** One entry (any type) seen by any layer; `count` of them at once when a listing was cut short. */
  addEntry(entry?: string, count = 1): void {
    this.entryCount += count;
    if (this.entryCount > this.limits.maxEntries) {
      this.fail("ARCHIVE_LIMIT_ENTRIES", "maxEntries", `${this.chain} has more than ${this.limits.maxEntries} entries`, {
        entry,
        entries: this.entryCount,
      });
    }
  }

  /** A dictionary (window) size an xz/7z stream declares, checked before any decoder allocates it. */
  checkDictionary(bytes: number, entry?: string): void {
    if (bytes > this.limits.maxDictionaryBytes) {
      this.fail("ARCHIVE_LIMIT_DICTIONARY", "maxDictionaryBytes", `${this.chain} needs a ${bytes}-byte dictionary`, {
        entry,
        dictionaryBytes: bytes,
      });
    }
  }

  /** Passes `source` through, reporting each chunk as input (wrap the top-level file's stream). */
  async *meterInput(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.addInput(chunk.length);
      yield chunk;
    }
  }

  /** Passes a decompressor's output through, reporting each chunk before it goes on. */
  async *meterOutput(source: AsyncIterable<Uint8Array>, entry?: string): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.addOutput(chunk.length, entry);
      yield chunk;
    }
  }

  private fail(code: ArchiveErrorCode, limit: keyof ArchiveLimits, what: string, ctx: Record<string, unknown>): never {
    const value = this.limits[limit];
    throw new ArchiveError(code, `${what}; ${LIMIT_CONFIG_KEYS[limit]} allows ${value}`, {
      ...ctx,
      file: this.file,
      chain: this.chain,
      limit: LIMIT_CONFIG_KEYS[limit],
      allowed: value,
    });
  }
}
