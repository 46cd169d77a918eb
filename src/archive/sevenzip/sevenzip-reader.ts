/**
 * 7z and RAR (4 and 5) reading through 7-Zip compiled to WASM (npm 7z-wasm), run in a Worker:
 *
 *   const reader = await openSevenZip({ path }, "7z", { name, checkDictionary: (b, e) => tracker.checkDictionary(b, e) });
 *   try {
 *     for await (const { entry, data } of reader.files()) for await (const chunk of data) upload(chunk);
 *   } finally { await reader.close(); }
 *
 * openSevenZip: reads the first headers itself (header-probe.ts: encrypted headers, a 7z cut short,
 * RAR volumes). With options.liblzma, a 7z whose folders are each one LZMA, LZMA2 or Copy coder is
 * then read without 7-Zip (direct/direct-reader.ts: same entries, checks and contract, at native
 * speed). Otherwise it has 7-Zip list the archive (`l -slt`, listing.ts), and refuses before any
 * decoding: encrypted entries or headers (ARCHIVE_ENCRYPTED, the whole archive), an entry whose
 * dictionary the caller's checkDictionary refuses (it throws ARCHIVE_LIMIT_DICTIONARY), an entry of
 * unknown size (ARCHIVE_UNSUPPORTED), and anything 7-Zip reports while listing (diagnostics.ts).
 *
 * files(): one 7-Zip run (`x -so`) writes every entry's bytes, in archive order, to a ring shared
 * with the worker (ring-buffer.ts); entry-splitter.ts cuts it by the listed sizes and checks each
 * entry (size, CRC-32, 7-Zip's messages) before its data ends. A solid block is decoded once.
 *
 * Invariants:
 *  - The archive is read in place: a local file by positioned reads on a descriptor this side opens
 *    and closes; `{ bytes }` (a nested archive held in memory) is passed to the worker once (a
 *    structured copy; none more inside it). Nothing is written to disk, no native code is loaded.
 *  - Bounded memory: the ring (2 MiB), one chunk in the consumer's hands, 7-Zip's own heap (its
 *    database and decoders: capped per run by options.heapLimits, heap-limit.ts, and by WASM's
 *    2 GiB whatever happens; each entry's dictionary is checked by checkDictionary first).
 *  - The worker is terminated when files() ends (completion, error, the consumer stopping early),
 *    when opening fails, and by close() (idempotent); close() is needed only if files() was not run
 *    to its end.
 *  - Paths are 7-Zip's listing, untouched ("../x" stays "../x"): path rules are the caller's.
 */
import { open, type FileHandle } from "node:fs/promises";
import { ArchiveError } from "../archive-error.ts";
import type { NodeSource } from "./archive-node.ts";
import { isToleratedWarning, messageLines, sevenZipError } from "./diagnostics.ts";
import { splitEntries } from "./entry-splitter.ts";
import { FrameCursor } from "./frame-cursor.ts";
import { probeHeaders, type ReadAt } from "./header-probe.ts";
import { NO_HEAP_CAP, type HeapLimits } from "./heap-limit.ts";
import type { ListedEntry, SevenZipEntryKind } from "./listing.ts";
import { rar4SymlinkPaths } from "./rar4-links.ts";
import { directFiles, openDirect, type DirectArchive } from "./direct/direct-reader.ts";
import type { Liblzma } from "../xz/liblzma.ts";
import { createRing, RingReader } from "./ring-buffer.ts";
import { SevenZipWorker, sevenZipModule } from "./worker-client.ts";
import { MAX_LISTING_BYTES, type ListedReply } from "./worker-protocol.ts";

export { liveSevenZipWorkers } from "./worker-client.ts";

export interface SevenZipEntry {
  index: number;
  /** Raw, as listed. */
  path: string;
  kind: SevenZipEntryKind;
  size: number;
  encrypted: boolean;
  method?: string;
  dictionaryBytes?: number;
}

export interface SevenZipOptions {
  /** Names the archive in messages. */
  name: string;
  /** Called with every entry's dictionary size before anything is decoded; throws to refuse. */
  checkDictionary?: (bytes: number, entry: string) => void;
  /**
   * The most entries the caller accepts: 7-Zip's listing is stopped past it and the archive fails
   * with ARCHIVE_LIMIT_ENTRIES (context.listed: the entries seen), before the listing of an
   * entry-count bomb fills memory (default: no limit but MAX_LISTING_BYTES).
   */
  maxEntries?: number;
  /**
   * Caps on 7-Zip's memory for the listing and the extraction (heap-limit.ts: heapLimits()); a run
   * that needs more fails with ARCHIVE_LIMIT_MEMORY. Default: WASM's own 2 GiB.
   */
  heapLimits?: HeapLimits;
  /**
   * The system's liblzma: a 7z whose folders are each one LZMA, LZMA2 or Copy coder is then read
   * without 7-Zip (direct/direct-reader.ts). Default: every archive goes to 7-Zip.
   */
  liblzma?: Liblzma;
}

export interface SevenZipReader {
  /** The listing, archive order. */
  readonly entries: readonly SevenZipEntry[];
  /** File entries in archive order with their bytes; each `data` must be consumed (or abandoned) before the next step. */
  files(): AsyncGenerator<{ entry: SevenZipEntry; data: AsyncIterable<Uint8Array> }>;
  /** Idempotent; terminates the worker. */
  close(): Promise<void>;
}

export type SevenZipSource = { path: string } | { bytes: Uint8Array };

export async function openSevenZip(source: SevenZipSource, format: "7z" | "rar", options: SevenZipOptions): Promise<SevenZipReader> {
  const name = options.name;
  let handle: FileHandle | undefined;
  let worker: SevenZipWorker | undefined;
  try {
    let readAt: ReadAt;
    let node: NodeSource;
    let size: number;
    if ("path" in source) {
      const h = (handle = await open(source.path, "r"));
      size = (await h.stat()).size;
      readAt = async (position, length) => {
        const buf = new Uint8Array(length);
        const { bytesRead } = await h.read(buf, 0, length, position);
        return buf.subarray(0, bytesRead);
      };
      node = { fd: h.fd, size };
    } else {
      const bytes = source.bytes;
      size = bytes.length;
      readAt = async (position, length) => bytes.subarray(position, Math.min(position + length, size));
      // A view of a larger buffer would be cloned with all of it: pass only the archive's bytes.
      const whole = bytes.buffer instanceof SharedArrayBuffer || (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength);
      node = { bytes: whole ? bytes : bytes.slice() };
    }
    const probe = await probeHeaders(readAt, size, format, name);
    const maxEntries = options.maxEntries ?? Number.MAX_SAFE_INTEGER;
    if (probe.type === "7z" && options.liblzma) {
      const direct = await openDirect(readAt, size, name, options.liblzma, maxEntries);
      if (direct) {
        checkEntries(direct.listed, options);
        return new DirectReader(direct, readAt, options.liblzma, handle, name);
      }
    }
    // The worker's thread starts while the module compiles (the first time, ~50 ms).
    worker = new SevenZipWorker();
    const module = await sevenZipModule();
    const heap = options.heapLimits ?? NO_HEAP_CAP;
    let listed = interpretListing(await worker.list(module, node, probe.switchType, name, maxEntries, heap.listingBytes), name, maxEntries);
    if (probe.type === "rar4") listed = await withRar4Links(listed, readAt, size);
    checkEntries(listed, options);
    return new Reader(listed, worker, handle, name, heap.extractionBytes);
  } catch (err) {
    await worker?.terminate();
    await handle?.close();
    throw err;
  }
}

function interpretListing(reply: ListedReply, name: string, maxEntries: number): ListedEntry[] {
  if (reply.overflow === "entries") {
    throw new ArchiveError("ARCHIVE_LIMIT_ENTRIES", `${name} lists more than ${maxEntries} entries (7-Zip's listing was stopped there)`, {
      archive: name,
      listed: reply.records,
      allowed: maxEntries,
    });
  }
  if (reply.overflow) {
    throw new ArchiveError("ARCHIVE_LIMIT_ENTRIES", `${name}: 7-Zip's listing passed ${MAX_LISTING_BYTES} bytes (hundreds of thousands of entries)`, {
      archive: name,
      listingBytes: MAX_LISTING_BYTES,
    });
  }
  if (reply.parseError) throw new ArchiveError(reply.parseError.code, reply.parseError.message, reply.parseError.context);
  const listing = reply.listing;
  if (!listing) throw new Error(`${name}: the 7-Zip worker sent no listing`);
  const stderr = messageLines(reply.stderr);
  const { result } = reply;
  const problems = [...stderr.filter((l) => !isToleratedWarning(l)), ...listing.errors, ...listing.warnings.filter((l) => !isToleratedWarning(l))];
  const exitOk = result.exitCode === 0 || (result.exitCode === 1 && problems.length === 0);
  if (result.thrown !== undefined || !listing.opened || !exitOk || problems.length > 0) {
    const what = listing.opened ? "7-Zip reports problems in the archive" : "7-Zip cannot open the archive";
    throw sevenZipError(what, problems, result, { archive: name, stage: "listing" });
  }
  if (listing.archive.get("Encrypted") === "+") {
    throw new ArchiveError("ARCHIVE_ENCRYPTED", `${name} is encrypted`, { archive: name, reason: "encrypted" });
  }
  return listing.entries;
}

/** RAR 4 symlinks written on Unix list as files (7-Zip drops their mode): rar4-links.ts finds them. */
async function withRar4Links(listed: ListedEntry[], readAt: ReadAt, size: number): Promise<ListedEntry[]> {
  // Each entry is one file header; service and end blocks add a few: a bound on a hostile walk.
  const links = await rar4SymlinkPaths(readAt, size, 2 * listed.length + 16);
  if (links.size === 0) return listed;
  return listed.map((e) => (e.kind === "file" && links.has(e.path) ? { ...e, kind: "symlink", link: true } : e));
}

function checkEntries(entries: readonly ListedEntry[], options: SevenZipOptions): void {
  const name = options.name;
  const encrypted = entries.filter((e) => e.encrypted);
  if (encrypted.length > 0) {
    throw new ArchiveError("ARCHIVE_ENCRYPTED", `${name} has ${encrypted.length} encrypted entries (first: ${encrypted[0]!.path})`, {
      archive: name,
      entry: encrypted[0]!.path,
      encryptedEntries: encrypted.length,
      reason: "encrypted",
    });
  }
  refuseEntriesUnderLinks(entries, name);
  for (const e of entries) {
    if (e.kind !== "directory" && e.size === undefined) {
      throw new ArchiveError("ARCHIVE_UNSUPPORTED", `${name}: ${e.path} has no recorded size`, { archive: name, entry: e.path });
    }
    if (e.dictionaryBytes !== undefined) options.checkDictionary?.(e.dictionaryBytes, e.path);
  }
}

/**
 * An entry whose path runs through a link of the same archive ("up" → "..", then "up/pwned.txt") is
 * the trick that makes extractors write outside their folder. 7-Zip is told to leave links out of
 * the extraction (`-x!up`), which leaves out everything under them too, so such an entry could not
 * be delivered anyway: the archive fails with that reason instead of a size mismatch.
 */
function refuseEntriesUnderLinks(entries: readonly ListedEntry[], name: string): void {
  const links = new Set(entries.filter((e) => e.link).map((e) => e.path));
  if (links.size === 0) return;
  for (const e of entries) {
    for (let cut = e.path.indexOf("/"); cut > 0; cut = e.path.indexOf("/", cut + 1)) {
      const link = e.path.slice(0, cut);
      if (links.has(link)) {
        throw new ArchiveError("ARCHIVE_PATH_UNSAFE", `${name}: ${e.path} lies under ${link}, a link in the same archive (the trick that makes extractors write outside their folder)`, {
          archive: name,
          entry: e.path,
          link,
        });
      }
    }
  }
}

function publicEntry(e: ListedEntry): SevenZipEntry {
  const out: SevenZipEntry = { index: e.index, path: e.path, kind: e.kind, size: e.size ?? 0, encrypted: e.encrypted };
  if (e.method !== undefined) out.method = e.method;
  if (e.dictionaryBytes !== undefined) out.dictionaryBytes = e.dictionaryBytes;
  return Object.freeze(out);
}

/** A 7z read without 7-Zip (direct/direct-reader.ts), behind the same interface. */
class DirectReader implements SevenZipReader {
  readonly entries: readonly SevenZipEntry[];
  private started = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly archive: DirectArchive,
    private readonly readAt: ReadAt,
    private readonly lib: Liblzma,
    private readonly handle: FileHandle | undefined,
    private readonly name: string,
  ) {
    this.entries = Object.freeze(archive.listed.map(publicEntry));
  }

  async *files(): AsyncGenerator<{ entry: SevenZipEntry; data: AsyncIterable<Uint8Array> }> {
    if (this.started) throw new Error(`${this.name}: files() can be called once`);
    if (this.closing) throw new Error(`${this.name}: the reader is closed`);
    this.started = true;
    try {
      for await (const { index, data } of directFiles(this.archive, this.readAt, this.lib, this.name)) yield { entry: this.entries[index]!, data };
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.handle?.close();
    })();
    return this.closing;
  }
}

class Reader implements SevenZipReader {
  readonly entries: readonly SevenZipEntry[];
  private started = false;
  private ring: RingReader | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly listed: readonly ListedEntry[],
    private readonly worker: SevenZipWorker,
    private readonly handle: FileHandle | undefined,
    private readonly name: string,
    private readonly extractionHeapBytes: number,
  ) {
    this.entries = Object.freeze(listed.map(publicEntry));
  }

  async *files(): AsyncGenerator<{ entry: SevenZipEntry; data: AsyncIterable<Uint8Array> }> {
    if (this.started) throw new Error(`${this.name}: files() can be called once`);
    if (this.closing) throw new Error(`${this.name}: the reader is closed`);
    this.started = true;
    const sab = createRing();
    const ring = (this.ring = new RingReader(sab));
    this.worker.onGone(() => ring.markDead());
    // Links are skipped by the caller: 7-Zip does not extract them at all (worker-protocol.ts).
    this.worker.extract(
      sab,
      this.listed.filter((e) => e.link).map((e) => e.path),
      this.extractionHeapBytes,
    );
    const cursor = new FrameCursor(ring, this.name, () => this.worker.failure);
    try {
      for await (const { entry, data } of splitEntries(cursor, this.listed, this.name)) {
        yield { entry: this.entries[entry.index]!, data };
      }
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ring?.cancel();
      await this.worker.terminate();
      await this.handle?.close();
    })();
    return this.closing;
  }
}
