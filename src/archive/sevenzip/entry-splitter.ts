/**
 * Splits 7-Zip's extraction output (every entry's bytes, concatenated, in archive order) back into
 * entries, using the sizes of the listing, and checks each one.
 *
 * Which entries have bytes in the stream: every one but directories and links, each exactly its
 * listed size (empty files write none). Links are not extracted at all (sevenzip-reader.ts leaves
 * them out: 7-Zip cannot write a RAR 5 link to stdout). Only files are yielded; the bytes of other
 * entries (alternate streams, devices) are read and dropped.
 *
 * Checks, per entry, before its `data` ends (so a consumer never sees a clean end on bad bytes):
 *  - exactly `size` bytes, else ARCHIVE_SIZE_MISMATCH (or the error 7-Zip gave for stopping);
 *  - the CRC-32 of the listing, when it shows one, else ARCHIVE_CRC_MISMATCH;
 *  - 7-Zip moved on without a message about it (frame-cursor.ts: the next data or a clean end).
 * After the last entry, 7-Zip must end cleanly with no byte left over (ARCHIVE_SIZE_MISMATCH).
 *
 * `data` must be consumed or abandoned before the next step: an abandoned body is read to its end
 * (checked the same way) when the next entry is requested; reading it after that is an error.
 */
import { ArchiveError } from "../archive-error.ts";
import { type FrameCursor, updateCrc } from "./frame-cursor.ts";
import type { ListedEntry } from "./listing.ts";

interface BodyState {
  entry: ListedEntry;
  remaining: number;
  crc: number;
  /** Checked and finished. */
  done: boolean;
  /** The splitter moved past this entry: its data may no longer be read. */
  stale: boolean;
}

export async function* splitEntries(
  cursor: FrameCursor,
  entries: readonly ListedEntry[],
  archive: string,
): AsyncGenerator<{ entry: ListedEntry; data: AsyncIterable<Uint8Array> }> {
  for (const entry of entries) {
    if (entry.kind === "directory" || entry.link) continue;
    const state: BodyState = { entry, remaining: entry.size ?? 0, crc: 0, done: false, stale: false };
    if (entry.kind === "file") {
      yield { entry, data: body(cursor, state, archive) };
    }
    if (!state.done) {
      // Not read, or abandoned part way: read the rest (dropped) with the same checks.
      for (;;) {
        const chunk = await next(cursor, state, archive);
        if (chunk === undefined) break;
      }
    }
    state.stale = true;
  }
  const leftover = await cursor.take(Number.MAX_SAFE_INTEGER, "(after the last entry)");
  if (leftover !== undefined) {
    throw new ArchiveError("ARCHIVE_SIZE_MISMATCH", `${archive}: 7-Zip produced more bytes than the listed entries hold`, {
      archive,
      offset: cursor.position - leftover.length,
    });
  }
}

function body(cursor: FrameCursor, state: BodyState, archive: string): AsyncIterable<Uint8Array> {
  return readOnceBody(archive, state.entry.path, () => state.stale, () => next(cursor, state, archive));
}

/**
 * An entry's data as the readers hand it out (this one and direct/direct-reader.ts): readable once,
 * and only until the reader moved past the entry (`stale`); `next` gives its chunks, then undefined.
 */
export function readOnceBody(archive: string, path: string, stale: () => boolean, next: () => Promise<Uint8Array | undefined>): AsyncIterable<Uint8Array> {
  let used = false;
  return {
    async *[Symbol.asyncIterator]() {
      if (used || stale()) throw new Error(`${archive}: the data of ${path} can be read once, before the next entry`);
      used = true;
      for (;;) {
        if (stale()) throw new Error(`${archive}: the data of ${path} was read after the next entry was requested`);
        const chunk = await next();
        if (chunk === undefined) return;
        yield chunk;
      }
    },
  };
}

/** The entry's next chunk, or undefined once all its bytes came and every check passed. */
async function next(cursor: FrameCursor, state: BodyState, archive: string): Promise<Uint8Array | undefined> {
  const { entry } = state;
  if (state.done) return undefined;
  if (state.remaining > 0) {
    const chunk = await cursor.take(state.remaining, entry.path);
    if (chunk === undefined) {
      throw new ArchiveError("ARCHIVE_SIZE_MISMATCH", `${archive}: ${entry.path} ended ${state.remaining} bytes short of its listed ${entry.size}`, {
        archive,
        entry: entry.path,
        offset: cursor.position,
        expected: entry.size,
        actual: (entry.size ?? 0) - state.remaining,
      });
    }
    state.remaining -= chunk.length;
    if (entry.crc !== undefined) state.crc = updateCrc(state.crc, chunk);
    return chunk;
  }
  if (entry.crc !== undefined && state.crc !== entry.crc && (entry.size ?? 0) > 0) {
    throw new ArchiveError("ARCHIVE_CRC_MISMATCH", `${archive}: the CRC-32 of ${entry.path} does not match the archive's`, {
      archive,
      entry: entry.path,
      offset: cursor.position,
      expected: entry.crc.toString(16).padStart(8, "0"),
      actual: state.crc.toString(16).padStart(8, "0"),
    });
  }
  await cursor.settle(entry.path);
  state.done = true;
  return undefined;
}
