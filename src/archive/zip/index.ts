/**
 * The streaming ZIP reader's public surface. Typical use:
 *
 *   const reader = await openZip(await fileHandleSource(handle), { archive: "a/b/bundle.zip" });
 *   for await (const entry of reader.entries()) {
 *     if (entry.kind !== "file" || reader.problem(entry)) continue; // or stop, by policy
 *     for await (const chunk of reader.open(entry)) await sink.write(chunk);
 *   }
 *
 * Chunks from `open` are the consumer's to keep (read-only), unless `reuseBuffers` is set. The entry
 * is complete, and its CRC-32, size and descriptor checked, only when the iterator finishes.
 * Every deliberate failure is an ArchiveError with a stable code (archive-error.ts).
 */
export { ArchiveError, isArchiveError, type ArchiveErrorCode, type ArchiveErrorContext } from "./archive-error.ts";
export { decodeCp437 } from "./cp437.ts";
export type { NameEncoding } from "./entry-name.ts";
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from "./limits.ts";
export { bufferToSource, type BufferSourceOptions } from "./memory-source.ts";
export { bytesSource, fileHandleSource, type RandomAccessSource } from "./random-access-source.ts";
export { assertInflaterAvailable } from "./raw-inflater.ts";
export type { EncryptionKind, EntryKind, ZipEntry } from "./zip-entry.ts";
export { DEFAULT_CHUNK_SIZE, openZip, ZipReader, type ZipReaderOptions } from "./zip-reader.ts";
