/**
 * The direct reader: a 7z archive whose folders are each one LZMA, LZMA2 or Copy coder (what 7-Zip
 * and p7zip write by default for data files) is read by dsp itself, its header parsed here
 * (sz-header.ts) and its data decoded by the system's liblzma (folder-decoder.ts), without the
 * 7-Zip WASM worker. Why: 7-Zip's WASM decodes LZMA2 at ~0.85x native 7-Zip and costs ~80 ms per
 * archive to compile and list; liblzma decodes the same data at native speed (README, "Measured").
 * Everything else (other coders, encryption, anything odd in the header) is 7-Zip's, as before:
 * openDirect() gives undefined and openSevenZip() goes on with 7-Zip.
 *
 * The same contract as 7-Zip's reader (SevenZipReader, sevenzip-reader.ts): entries in archive
 * order, files() yields each file with its bytes, checked against its size and CRC-32 before its
 * data ends (ARCHIVE_CRC_MISMATCH, ARCHIVE_CORRUPT); links and other entries are not yielded (their
 * bytes in a solid folder are decoded and dropped, CRC-checked); a body can be read once, before
 * the next entry; what the consumer leaves unread is decoded and dropped when it asks for the next.
 *
 * Invariants: memory is one folder's dictionary (checked by the caller's checkDictionary, through
 * the listing checks, before anything is decoded), one 1 MiB read and one output chunk; the
 * archive is read by positioned reads; liblzma's memory is freed when a folder ends or the reader
 * closes.
 */
import { crc32 } from "node:zlib";
import { ArchiveError } from "../../archive-error.ts";
import type { Liblzma } from "../../xz/liblzma.ts";
import { ChunkPool, recycleChunk } from "../../../util/chunk-pool.ts";
import type { ReadAt } from "../header-probe.ts";
import type { ListedEntry } from "../listing.ts";
import { NotDirect } from "./header-cursor.ts";
import { readOnceBody } from "../entry-splitter.ts";
import { FolderDecoder, folderDictionary } from "./folder-decoder.ts";
import { MAX_HEADER_BYTES, parseEncodedHeader, parseHeader, type DirectFile, type DirectFolder } from "./sz-header.ts";

const CHUNK = 256 * 1024;

export interface DirectArchive {
  listed: ListedEntry[];
  files: DirectFile[];
  folders: DirectFolder[];
}

/** The archive's header, when the direct reader takes the archive; undefined when 7-Zip must read it. */
export async function openDirect(readAt: ReadAt, size: number, name: string, lib: Liblzma, maxEntries: number): Promise<DirectArchive | undefined> {
  try {
    const sig = await readAt(0, 32);
    if (sig.length < 32 || sig[6] !== 0) throw new NotDirect("short or unknown version");
    const view = new DataView(sig.buffer, sig.byteOffset, 32);
    if (crc32(sig.subarray(12, 32)) >>> 0 !== view.getUint32(8, true)) throw new NotDirect("start header CRC");
    const offset = view.getUint32(12, true) + view.getUint32(16, true) * 2 ** 32;
    const length = view.getUint32(20, true) + view.getUint32(24, true) * 2 ** 32;
    const headerAt = 32 + offset;
    if (length === 0 || length > MAX_HEADER_BYTES || headerAt + length > size) throw new NotDirect("empty, large or outside header");
    let header = await readAt(headerAt, length);
    if (header.length !== length || crc32(header) >>> 0 !== view.getUint32(28, true)) throw new NotDirect("header CRC");
    if (header[0] === 0x17) header = await decodeHeader(parseEncodedHeader(header, headerAt), readAt, lib, name);
    const { folders, files } = parseHeader(header, headerAt, maxEntries);
    return { folders, files, listed: files.map((f, index) => listedEntry(f, index, folders)) };
  } catch (err) {
    if (err instanceof NotDirect) return undefined;
    throw err;
  }
}

async function decodeHeader(folder: DirectFolder, readAt: ReadAt, lib: Liblzma, name: string): Promise<Uint8Array> {
  if (folder.unpackSize > MAX_HEADER_BYTES) throw new NotDirect("a large encoded header");
  const out = new Uint8Array(folder.unpackSize);
  const dec = new FolderDecoder(folder, readAt, lib, name);
  try {
    await dec.read(out, out.length);
  } catch (err) {
    if (err instanceof ArchiveError) throw new NotDirect(`the encoded header does not decode: ${err.message}`);
    throw err;
  } finally {
    dec.close();
  }
  const crc = folder.streams[0]?.crc;
  if (crc !== undefined && crc32(out) >>> 0 !== crc) throw new NotDirect("encoded header CRC");
  return out;
}

function listedEntry(f: DirectFile, index: number, folders: DirectFolder[]): ListedEntry {
  // The name as stored, as 7-Zip lists it (a backslash stays: the walker's path rules treat it as a separator).
  const entry: ListedEntry = { index, path: f.name, kind: f.kind, size: f.size, encrypted: false };
  if (f.crc !== undefined) entry.crc = f.crc;
  if (f.kind === "symlink") entry.link = true;
  if (f.stream !== undefined) {
    const folder = folders[f.stream.folder]!;
    entry.block = f.stream.folder;
    entry.method = folder.method === "copy" ? "Copy" : `${folder.method === "lzma" ? "LZMA" : "LZMA2"}:${folderDictionary(folder)}b`;
    if (folder.method !== "copy") entry.dictionaryBytes = folderDictionary(folder);
  }
  return entry;
}

interface BodyState {
  path: string;
  remaining: number;
  crc: number;
  expected: number | undefined;
  done: boolean;
  stale: boolean;
}

/** Yields each file of the archive with its bytes (the SevenZipReader.files() contract above). */
export async function* directFiles(archive: DirectArchive, readAt: ReadAt, lib: Liblzma, name: string): AsyncGenerator<{ index: number; data: AsyncIterable<Uint8Array> }> {
  const pool = new ChunkPool(CHUNK);
  let current: { folder: number; decoder: FolderDecoder } | undefined;
  try {
    for (let index = 0; index < archive.files.length; index++) {
      const file = archive.files[index]!;
      const entry = archive.listed[index]!;
      let decoder: FolderDecoder | undefined;
      if (file.stream !== undefined) {
        if (current?.folder !== file.stream.folder) {
          current?.decoder.close();
          current = { folder: file.stream.folder, decoder: new FolderDecoder(archive.folders[file.stream.folder]!, readAt, lib, name) };
        }
        decoder = current.decoder;
      }
      const state: BodyState = { path: entry.path, remaining: file.size, crc: 0, expected: file.crc, done: false, stale: false };
      if (entry.kind === "file") yield { index, data: readOnceBody(name, state.path, () => state.stale, () => nextChunk(decoder, state, pool, name)) };
      // Not read, read in part, or not a file: the rest is decoded and dropped, with the same checks.
      while (!state.done) {
        const dropped = await nextChunk(decoder, state, pool, name);
        if (dropped) recycleChunk(dropped);
      }
      state.stale = true;
    }
  } finally {
    current?.decoder.close();
  }
}

/** The file's next chunk (its CRC checked before the last one is handed out), or undefined once all came. */
async function nextChunk(decoder: FolderDecoder | undefined, state: BodyState, pool: ChunkPool, archive: string): Promise<Uint8Array | undefined> {
  if (state.done) return undefined;
  if (state.remaining === 0) {
    finish(state, archive);
    return undefined;
  }
  const n = Math.min(CHUNK, state.remaining);
  const chunk = pool.take(n);
  await decoder!.read(chunk, n);
  state.crc = crc32(chunk, state.crc) >>> 0;
  state.remaining -= n;
  if (state.remaining === 0) finish(state, archive);
  return chunk;
}

function finish(state: BodyState, archive: string): void {
  if (state.expected !== undefined && state.crc !== state.expected) {
    throw new ArchiveError("ARCHIVE_CRC_MISMATCH", `${archive}: the CRC-32 of ${state.path} does not match the archive's`, {
      archive,
      entry: state.path,
      expected: state.expected,
      actual: state.crc,
    });
  }
  state.done = true;
}
