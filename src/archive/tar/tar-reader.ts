/**
 * Streaming TAR reader: a decompressed byte stream in, entries out, one at a time, pull-based.
 *
 *   for await (const entry of readTar(bytes)) {
 *     if (entry.type === "file") for await (const chunk of entry.body) upload(chunk);
 *   }
 *
 * Formats: ustar, PAX (x/g, also Solaris X), GNU long names/links (L/K), old GNU, v7, base-256 numbers.
 *
 * Invariants:
 *  - Backpressure: nothing is read before the consumer asks for it; at most one source chunk is held.
 *    Bodies are views into the source's chunks (no copy).
 *  - A body not read (or read partly) is skipped when the next entry is requested; reading it after
 *    that is an error. Metadata headers (x, g, L, K) are consumed here and never yielded, each capped
 *    at maxMetadataBytes so a hostile "name" cannot take the memory.
 *  - Refused, never expanded: GNU sparse ('S') and PAX sparse (GNU.sparse.*) → TAR_SPARSE; multi-volume
 *    continuations ('M') → ARCHIVE_UNSUPPORTED. Links, devices, FIFOs are yielded with their type
 *    (no body) for the caller to skip with a warning.
 *  - Errors: bad checksum or field → ARCHIVE_CORRUPT with the header's offset; the stream ending inside
 *    a header, a body, its padding, or before the end-of-archive marker → ARCHIVE_TRUNCATED.
 *
 * End of archive (decided):
 *  - Two zero blocks end it. One zero block followed by the end of the stream is accepted too (some
 *    writers stop there); a stream that ends at a header boundary with no zero block at all is
 *    ARCHIVE_TRUNCATED: it is exactly what a copy cut short after an entry looks like, and accepting
 *    it would silently drop the entries that never arrived.
 *  - After the marker the rest of the stream is read to its end and ignored (GNU tar ignores it too):
 *    zeros are the usual record padding; anything else is reported once as a TAR_TRAILING_DATA
 *    warning. Reading to the end matters: the gzip/xz layer under the tar only checks its CRC at its
 *    own end, and a tar.gz must not pass with a damaged tail.
 */
import { ArchiveError } from "../archive-error.ts";
import { PullReader } from "../pull-reader.ts";
import { parsePax, type PaxKey } from "./pax.ts";
import { resolveEntry, type PendingMeta, type TarEntry } from "./tar-entry.ts";
import { BLOCK, isZeroBlock, parseHeader, printable } from "./tar-header.ts";

export type { TarEntry, TarEntryType } from "./tar-entry.ts";

export interface TarWarning {
  code: "TAR_TRAILING_DATA";
  message: string;
  offset: number;
}

export interface TarReadOptions {
  onWarning?: (warning: TarWarning) => void;
  /** Largest PAX / GNU long-name header accepted (default 1 MiB; an S3 key is at most 1,024 bytes). */
  maxMetadataBytes?: number;
}

interface BodyState {
  remaining: number;
  padding: number;
  stale: boolean;
  started: boolean;
  name: string;
  dataOffset: number;
}

const MAX_METADATA_BYTES = 1024 * 1024;

export async function* readTar(source: AsyncIterable<Uint8Array>, options: TarReadOptions = {}): AsyncGenerator<TarEntry, void, undefined> {
  const reader = new PullReader(source);
  const maxMeta = options.maxMetadataBytes ?? MAX_METADATA_BYTES;
  const globals = new Map<PaxKey, Uint8Array>();
  let body: BodyState | null = null;
  try {
    for (;;) {
      if (body !== null) await skipRest(reader, body);
      body = null;
      const offset = reader.position;
      const meta: PendingMeta = { globals, local: null, longName: null, longLink: null };
      let pendingMeta = false;
      // A local PAX header that marks the next entry sparse: refused at that entry's header, whose
      // name is the file's when GNU.sparse.name is absent (sparse 0.0); the PAX header's own name
      // ("./PaxHeaders/x") would send the operator looking for a file the archive does not hold.
      let sparsePax: { offset: number; name: Uint8Array | null } | null = null;
      for (;;) {
        const headerOffset = reader.position;
        const block = await reader.readExact(BLOCK);
        if (block.length < BLOCK) {
          const where = block.length === 0 && !pendingMeta ? "before the end-of-archive marker" : "inside a header";
          throw new ArchiveError("ARCHIVE_TRUNCATED", `tar stream ends ${where} at byte ${headerOffset + block.length}`, {
            offset: headerOffset + block.length,
          });
        }
        if (isZeroBlock(block)) {
          if (pendingMeta) {
            throw new ArchiveError("ARCHIVE_CORRUPT", `tar extended header at byte ${offset} is followed by the end of the archive`, {
              offset: headerOffset,
            });
          }
          await finish(reader, options.onWarning);
          return;
        }
        const h = parseHeader(block, headerOffset);
        const t = h.typeflag;
        if (t === "x" || t === "X" || t === "g") {
          const records = parsePax(await readMetadata(reader, h.size, headerOffset, maxMeta, "pax extended header"), headerOffset);
          if (records.sparse && t === "g") throw sparse(headerOffset, printable(h.name));
          if (records.sparse) sparsePax = { offset: headerOffset, name: records.sparseName ?? records.values.get("path") ?? null };
          if (t === "g") {
            // Global: applies to all later entries, and may end the archive (it waits for no entry).
            for (const [k, v] of records.values) v === null ? globals.delete(k) : globals.set(k, v);
          } else {
            meta.local ??= new Map();
            for (const [k, v] of records.values) meta.local.set(k, v);
            pendingMeta = true;
          }
        } else if (t === "L" || t === "K") {
          const data = await readMetadata(reader, h.size, headerOffset, maxMeta, "GNU long name");
          const nul = data.indexOf(0);
          const value = (nul < 0 ? data : data.subarray(0, nul)).slice();
          if (t === "L") meta.longName = value;
          else meta.longLink = value;
          pendingMeta = true;
        } else if (t === "S") {
          throw sparse(headerOffset, printable(meta.longName ?? h.name));
        } else if (t === "M") {
          throw new ArchiveError("ARCHIVE_UNSUPPORTED", `tar entry at byte ${headerOffset} continues a file from a previous volume`, {
            offset: headerOffset,
            entry: printable(meta.longName ?? h.name),
          });
        } else {
          if (sparsePax !== null) throw sparse(sparsePax.offset, printable(sparsePax.name ?? meta.longName ?? h.name));
          const { entry, dataSize } = resolveEntry(h, meta, headerOffset);
          const state: BodyState = {
            remaining: dataSize,
            padding: (BLOCK - (dataSize % BLOCK)) % BLOCK,
            stale: false,
            started: false,
            name: entry.name,
            dataOffset: reader.position,
          };
          body = state;
          yield { ...entry, offset, body: bodyOf(reader, state, entry.type === "file" || entry.type === "other") };
          break;
        }
      }
    }
  } finally {
    if (body !== null) body.stale = true;
    await reader.close();
  }
}

function bodyOf(reader: PullReader, state: BodyState, readable: boolean): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      if (state.started) throw new Error(`the body of tar entry "${state.name}" can be read only once`);
      state.started = true;
      return readable ? bodyChunks(reader, state) : (async function* () {})();
    },
  };
}

async function* bodyChunks(reader: PullReader, state: BodyState): AsyncGenerator<Uint8Array> {
  for (;;) {
    // Checked before the first chunk too: a skipped body must not read as empty.
    if (state.stale) throw new Error(`the body of tar entry "${state.name}" was read after the next entry was requested`);
    if (state.remaining === 0) return;
    const chunk = await reader.take(state.remaining);
    if (chunk === null) throw truncatedBody(reader, state);
    state.remaining -= chunk.length;
    yield chunk;
  }
}

async function skipRest(reader: PullReader, state: BodyState): Promise<void> {
  state.stale = true;
  const want = state.remaining + state.padding;
  const skipped = await reader.skip(want);
  state.remaining = Math.max(0, state.remaining - skipped);
  if (skipped < want) throw truncatedBody(reader, state);
}

function truncatedBody(reader: PullReader, state: BodyState): ArchiveError {
  const where = state.remaining > 0 ? `with ${state.remaining} bytes of its data missing` : "inside its padding";
  return new ArchiveError("ARCHIVE_TRUNCATED", `tar stream ends in entry "${state.name}" ${where} (at byte ${reader.position})`, {
    offset: reader.position,
    entry: state.name,
    dataOffset: state.dataOffset,
    missing: state.remaining,
  });
}

async function readMetadata(reader: PullReader, size: number, offset: number, max: number, what: string): Promise<Uint8Array> {
  if (size > max) {
    throw new ArchiveError("ARCHIVE_CORRUPT", `${what} at byte ${offset} is ${size} bytes; at most ${max} are accepted`, {
      offset,
      size,
    });
  }
  const data = (await reader.readExact(size)).slice();
  const padding = (BLOCK - (size % BLOCK)) % BLOCK;
  if (data.length < size || (await reader.skip(padding)) < padding) {
    throw new ArchiveError("ARCHIVE_TRUNCATED", `tar stream ends inside the ${what} at byte ${offset}`, { offset });
  }
  return data;
}

/** After the first zero block: read the stream to its end, warning once about non-zero bytes. */
async function finish(reader: PullReader, onWarning: TarReadOptions["onWarning"]): Promise<void> {
  let firstNonZero = -1;
  for (;;) {
    const at = reader.position;
    const chunk = await reader.take(1 << 20);
    if (chunk === null) break;
    if (firstNonZero < 0) {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== 0) {
          firstNonZero = at + i;
          break;
        }
      }
    }
  }
  if (firstNonZero >= 0) {
    onWarning?.({
      code: "TAR_TRAILING_DATA",
      message: `ignored ${reader.position - firstNonZero} bytes of non-zero data after the tar end-of-archive marker, from byte ${firstNonZero}`,
      offset: firstNonZero,
    });
  }
}

function sparse(offset: number, entry: string): ArchiveError {
  return new ArchiveError("TAR_SPARSE", `tar entry "${entry}" at byte ${offset} is a sparse file; sparse entries are not expanded`, {
    offset,
    entry,
  });
}
