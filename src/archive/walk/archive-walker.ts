/**
 * Walks one file of the watched folder that is an archive (or a compressed file) and yields every
 * regular file inside, at every nesting level, in archive order, with its bytes as a stream
 * (FR-021..027). What to do with each (upload, convert) is the caller's business; how to get there
 * safely is this module's.
 *
 * Paths (DESIGN.md "S3 keys"; archive-naming.ts): a yielded path is relative to the folder holding
 * the top-level file. The entries of `bundle.zip` are under `bundle/`, a nested `d/inner.tar.gz`
 * puts its entries under `bundle/d/inner/`, and a compressed single file `x.csv.gz` yields `x.csv`.
 *
 * Invariants:
 *  - Nothing touches the disk: the top-level file is read in place (ZIP and 7z with positioned
 *    reads, everything else as a stream); a nested ZIP/7z/RAR, which needs random access, is held
 *    in memory up to maxNestedBytes, else ARCHIVE_LIMIT_MEMORY.
 *  - One file at a time: the consumer reads (or abandons) a file's data before asking for the
 *    next; what it left unread is released when it asks (the container skips the rest).
 *  - Every entry of every layer is counted, every decompressed byte metered, every layer entered
 *    in the file's LimitTracker: a limit crossed throws and ends the walk.
 *  - Entry names go through entry-path.ts. An unsafe name (traversal, absolute, control
 *    characters, too long for a key) fails the whole archive with ARCHIVE_PATH_UNSAFE: an archive
 *    carrying one is hostile or broken, and uploading the rest would leave a half-set.
 *  - Links, devices and FIFOs are never followed or uploaded: skipped with a notice. Directories
 *    produce nothing (S3 has no folders).
 *  - Magic bytes decide the format (detect.ts); a name that says otherwise gets a notice.
 */
import type { FileHandle } from "node:fs/promises";
import { ArchiveError, isArchiveError } from "../archive-error.ts";
import { archiveFolderFor, innerNameFor } from "../archive-naming.ts";
import { detectFormat, HEAD_BYTES, type ArchiveFormat } from "../detect.ts";
import { safeEntryPath } from "../entry-path.ts";
import type { LimitTracker } from "../limits.ts";
import { readTar } from "../tar/tar-reader.ts";
import { heapLimits } from "../sevenzip/heap-limit.ts";
import { openSevenZip, type SevenZipSource } from "../sevenzip/sevenzip-reader.ts";
import { bufferToBytes } from "../zip/memory-source.ts";
import { bytesSource, fileHandleSource, type RandomAccessSource } from "../zip/random-access-source.ts";
import { openZip } from "../zip/zip-reader.ts";
import { fileChunks, peek } from "./byte-streams.ts";
import { decompress, isStreamFormat } from "./decompress.ts";
import type { XzEngine } from "../xz/xz-engine.ts";

export interface WalkedFile {
  /** Safe path relative to the top-level file's folder ("bundle/d/y.csv"; "x.csv" from x.csv.gz). */
  path: string;
  /** The chain of names leading to it, for messages and metadata ("bundle.zip > d/y.csv"). */
  entry: string;
  /** How many files were yielded before this one (`reopenWalkedFile` finds it again by this). */
  ordinal: number;
  /** The size the container declares, when it declares one (not for decompressed streams). */
  size: number | undefined;
  data: AsyncIterable<Uint8Array>;
}

export type WalkNoticeCode = "ENTRY_SKIPPED" | "FORMAT_MISMATCH" | "TAR_TRAILING_DATA";

export interface WalkNotice {
  code: WalkNoticeCode;
  message: string;
  entry: string;
}

export interface WalkOptions {
  limits: LimitTracker;
  /** Largest nested ZIP/7z/RAR held in memory to be read (DSP_ARCHIVE_MAX_NESTED_BUFFER). */
  maxNestedBytes: number;
  /** Who decodes .xz data (DSP_XZ_DECODER; default the built-in decoder). */
  xz?: XzEngine;
  /** What every key puts before a walked path (DSP_S3_PREFIX + the top file's folder), for key lengths. */
  keyPrefix: string;
  onNotice?: (notice: WalkNotice) => void;
}

export interface TopFile {
  handle: FileHandle;
  /** Its path on disk (7z and RAR are read by the 7-Zip worker, which opens it itself). */
  path: string;
  size: number;
  /** The file's name (last path segment): the walked paths start from it. */
  name: string;
}

/** The files inside `top`, whose first bytes are `head` (HEAD_BYTES of them, or the whole file). */
export function walkArchive(top: TopFile, head: Uint8Array, options: WalkOptions): AsyncGenerator<WalkedFile> {
  return new Walker(options).top(top, head);
}

/**
 * The data of the `ordinal`-th file of a walk, found by walking the archive again from the top
 * (a conversion that must restart with a wider column type cannot seek back in a stream). The
 * files before it are skipped, not read, wherever the format allows (ZIP, TAR bodies).
 */
export function reopenWalkedFile(top: TopFile, head: Uint8Array, options: WalkOptions, ordinal: number): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const file of walkArchive(top, head, options)) {
        if (file.ordinal !== ordinal) continue;
        yield* file.data;
        return;
      }
      throw new ArchiveError("ARCHIVE_CORRUPT", `file number ${ordinal + 1} was not found when the archive was read again`, {});
    },
  };
}

class Walker {
  private ordinal = 0;

  constructor(private readonly o: WalkOptions) {}

  async *top(top: TopFile, head: Uint8Array): AsyncGenerator<WalkedFile> {
    const detection = detectFormat(head, top.name);
    if (detection.format === "none") throw new ArchiveError("ARCHIVE_CORRUPT", `${top.name} is not an archive`, {});
    this.mismatch(top.name, top.name, detection.format, detection.extensionSaid);
    const limits = this.o.limits;
    if (detection.format === "zip" || detection.format === "7z" || detection.format === "rar") {
      // Read in place: the whole file is the compressed input the expansion ratio is judged against.
      limits.addInput(top.size);
      limits.enter(detection.format, top.name);
      try {
        if (detection.format === "zip") yield* this.zip(await fileHandleSource(top.handle, top.size), archiveFolderFor(top.name), top.name);
        else yield* this.sevenZip({ path: top.path }, detection.format, archiveFolderFor(top.name), top.name);
      } finally {
        limits.leave();
      }
      return;
    }
    yield* this.open(detection.format, limits.meterInput(fileChunks(top.handle, top.size)), top.name, top.name, top.size);
  }

  /**
   * One file found in an archive (or decompressed): opened if it is an archive, else yielded.
   * `renamed` is false for what a decompressor produced under the same name (`data.csv` that was
   * gzip): its name said nothing new, so it gets no second notice.
   */
  private async *entry(path: string, label: string, data: AsyncIterable<Uint8Array>, size: number | undefined, renamed = true): AsyncGenerator<WalkedFile> {
    const { head, stream } = await peek(data, HEAD_BYTES);
    const detection = detectFormat(head, path);
    if (detection.format !== "none") {
      if (renamed) this.mismatch(path, label, detection.format, detection.extensionSaid);
      yield* this.open(detection.format, stream, path, label, size);
      return;
    }
    if (detection.extensionSaid !== undefined) {
      this.notice("FORMAT_MISMATCH", `named like ${detection.extensionSaid} but its content is not: handled as a regular file`, label);
    }
    const file = passThrough(stream);
    yield { path, entry: label, ordinal: this.ordinal++, size, data: file };
    // Whatever the consumer left unread is released; the container skips the rest.
    await file.return(undefined);
  }

  /** Opens one archive layer at `path`; its contents go where archive-naming.ts says. */
  private async *open(format: ArchiveFormat, stream: AsyncIterable<Uint8Array>, path: string, label: string, size: number | undefined): AsyncGenerator<WalkedFile> {
    const limits = this.o.limits;
    limits.enter(format, path);
    try {
      if (isStreamFormat(format)) {
        const inner = innerNameFor(path);
        yield* this.entry(inner, label, decompress(format, stream, label, limits, this.o.xz), undefined, inner !== path);
      } else if (format === "tar") {
        yield* this.tar(stream, archiveFolderFor(path), label);
      } else {
        // No seeking inside a stream: the nested archive is held in memory, within its limit.
        const bytes = await bufferToBytes(stream, { maxBytes: this.o.maxNestedBytes, ...(size === undefined ? {} : { expectedSize: size }), archive: label });
        if (format === "zip") yield* this.zip(bytesSource(bytes), archiveFolderFor(path), label);
        else yield* this.sevenZip({ bytes }, format, archiveFolderFor(path), label);
      }
    } finally {
      limits.leave();
    }
  }

  /** A 7z or RAR layer, read by 7-Zip (WASM) in a worker; entries and limits as for ZIP. */
  private async *sevenZip(source: SevenZipSource, format: "7z" | "rar", folder: string, label: string): AsyncGenerator<WalkedFile> {
    const limits = this.o.limits;
    const reader = await openSevenZip(source, format, {
      name: label,
      maxEntries: limits.entriesLeft,
      heapLimits: heapLimits(limits.entriesLeft, limits.limits.maxDictionaryBytes),
      ...(this.o.xz?.lib ? { liblzma: this.o.xz.lib } : {}),
      checkDictionary: (bytes, entry) => limits.checkDictionary(bytes, `${label} > ${entry}`),
    }).catch((err: unknown) => {
      // A listing stopped at the limit: counted here, so the message names the file's limit and key.
      if (isArchiveError(err, "ARCHIVE_LIMIT_ENTRIES") && typeof err.context.listed === "number") limits.addEntry(label, err.context.listed);
      throw err;
    });
    try {
      for (const e of reader.entries) {
        const where = `${label} > ${e.path}`;
        limits.addEntry(where);
        if (e.kind === "symlink" || e.kind === "other") this.notice("ENTRY_SKIPPED", `${e.kind === "symlink" ? "a symbolic link" : "not a regular file"}: not followed, not uploaded`, where);
      }
      for await (const { entry, data } of reader.files()) {
        if (entry.kind !== "file") continue;
        const where = `${label} > ${entry.path}`;
        yield* this.entry(this.safePath(folder, entry.path, where), where, limits.meterOutput(data, where), entry.size);
      }
    } finally {
      await reader.close();
    }
  }

  private async *zip(source: RandomAccessSource, folder: string, label: string): AsyncGenerator<WalkedFile> {
    const { limits } = this.o.limits;
    const reader = await openZip(source, {
      archive: label,
      limits: { maxEntries: limits.maxEntries, maxTotalBytes: limits.maxTotalBytes, maxRatio: limits.maxRatio, ratioFloorBytes: limits.ratioFloorBytes },
    });
    for await (const e of reader.entries()) {
      const where = `${label} > ${e.name}`;
      this.o.limits.addEntry(where);
      if (e.kind === "directory") continue;
      if (e.kind !== "file") {
        this.notice("ENTRY_SKIPPED", `${e.kind === "symlink" ? "a symbolic link" : "not a regular file"}: not followed, not uploaded`, where);
        continue;
      }
      const problem = reader.problem(e);
      if (problem) throw problem;
      const path = this.safePath(folder, e.name, where);
      const data = e.method === 0 ? reader.open(e) : this.o.limits.meterOutput(reader.open(e), where);
      yield* this.entry(path, where, data, e.uncompressedSize);
    }
  }

  private async *tar(stream: AsyncIterable<Uint8Array>, folder: string, label: string): AsyncGenerator<WalkedFile> {
    const onWarning = (w: { message: string }) => this.notice("TAR_TRAILING_DATA", w.message, label);
    for await (const e of readTar(stream, { onWarning })) {
      const where = `${label} > ${e.name}`;
      this.o.limits.addEntry(where);
      if (e.type === "directory") continue;
      if (e.type !== "file") {
        const what = e.type === "symlink" || e.type === "hardlink" ? `a ${e.type} to ${JSON.stringify(e.linkName ?? "")}` : `a ${e.type} entry`;
        this.notice("ENTRY_SKIPPED", `${what}: not followed, not uploaded`, where);
        continue;
      }
      yield* this.entry(this.safePath(folder, e.path, where), where, e.body, e.size);
    }
  }

  private safePath(folder: string, raw: string | Uint8Array, where: string): string {
    const r = safeEntryPath(raw, { keyPrefix: `${this.o.keyPrefix}${folder}/` });
    if (!r.ok) throw new ArchiveError("ARCHIVE_PATH_UNSAFE", `unsafe entry name ${JSON.stringify(r.shown)}: ${r.message}`, { entry: where, rule: r.reason });
    return `${folder}/${r.path}`;
  }

  private mismatch(path: string, label: string, format: ArchiveFormat, extensionSaid: ArchiveFormat | undefined): void {
    if (extensionSaid !== undefined && extensionSaid !== format) {
      this.notice("FORMAT_MISMATCH", `named like ${extensionSaid} but its content is ${format}: read as ${format}`, label);
    } else if (extensionSaid === undefined && !path.toLowerCase().endsWith(`.${format}`)) {
      this.notice("FORMAT_MISMATCH", `its content is ${format}: read as ${format}`, label);
    }
  }

  private notice(code: WalkNotice["code"], message: string, entry: string): void {
    this.o.onNotice?.({ code, message, entry });
  }
}

async function* passThrough(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* source;
}
