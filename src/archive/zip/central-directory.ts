/**
 * Streams the central directory record by record through one bounded window, so an archive of
 * 100,000 entries never needs its whole directory in one buffer. Each record comes with its
 * fingerprint (CRC-32 of its bytes): the reader walks the directory twice (once to check the whole
 * archive before yielding anything, once to yield) and the fingerprints prove both walks saw the
 * same bytes, even if the file changed in between.
 *
 * Invariants: the window holds at most max(chunk, the largest possible record: 46 + 3 × 65,535 bytes);
 * records are read only inside [centralOffset, centralOffset + centralSize); exactly `entryCount`
 * records are read, and what follows them must be nothing or a digital signature record.
 */
import { crc32 } from "node:zlib";
import { ArchiveError } from "./archive-error.ts";
import { centralRecordLength, parseCentralRecord } from "./central-record.ts";
import type { EndRecord } from "./end-record.ts";
import { u16, u32 } from "./little-endian.ts";
import { readFullyInto, type RandomAccessSource } from "./random-access-source.ts";
import type { ZipEntry } from "./zip-entry.ts";
import { CENTRAL_HEADER_SIZE, SIG_CENTRAL, SIG_DIGITAL_SIGNATURE } from "./zip-format.ts";

const LARGEST_RECORD = CENTRAL_HEADER_SIZE + 3 * 0xffff;

export interface CentralRecord {
  entry: ZipEntry;
  fingerprint: number;
}

export async function* readCentralDirectory(
  source: RandomAccessSource,
  end: EndRecord,
  chunkSize: number,
  archive?: string,
): AsyncGenerator<CentralRecord> {
  const ctx = archive === undefined ? {} : { archive };
  const stop = end.centralOffset + end.centralSize;
  const window = new Uint8Array(Math.max(chunkSize, LARGEST_RECORD));
  let windowStart = end.centralOffset; // file offset of window[0]
  let filled = 0; // bytes of the window holding data
  let pos = end.centralOffset; // file offset of the next record

  /** Makes window hold [pos, pos + n); false when the directory ends first. */
  const ensure = async (n: number): Promise<boolean> => {
    if (pos + n > stop) return false;
    if (pos + n <= windowStart + filled) return true;
    const keep = windowStart + filled - pos;
    window.copyWithin(0, pos - windowStart, pos - windowStart + keep);
    windowStart = pos;
    filled = keep;
    const want = Math.min(window.length - filled, stop - (windowStart + filled));
    const bytes = await readFullyInto(source, windowStart + filled, want, window.subarray(filled), "the central directory", ctx);
    if (bytes.buffer !== window.buffer) window.set(bytes, filled); // an in-memory source returns its own view
    filled += want;
    return true;
  };

  for (let index = 0; index < end.entryCount; index++) {
    const at = { ...ctx, offset: pos };
    if (!(await ensure(CENTRAL_HEADER_SIZE))) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `the central directory ends after ${index} of ${end.entryCount} records`, at);
    }
    let rel = pos - windowStart;
    if (u32(window, rel) !== SIG_CENTRAL) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `central directory record ${index} has a bad signature`, at);
    }
    const length = centralRecordLength(window, rel);
    if (!(await ensure(length))) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `central directory record ${index} runs past the end of the central directory`, at);
    }
    rel = pos - windowStart;
    const rec = window.subarray(rel, rel + length);
    const entry = parseCentralRecord(rec, index, pos, archive);
    yield { entry, fingerprint: crc32(rec) >>> 0 };
    pos += length;
  }
  if (pos < stop) await checkTrailer(pos, stop, ensure, () => window.subarray(pos - windowStart), ctx);
}

/** After the last record only a digital signature record (APPNOTE 4.3.13) may remain. */
async function checkTrailer(
  pos: number,
  stop: number,
  ensure: (n: number) => Promise<boolean>,
  view: () => Uint8Array,
  ctx: { archive?: string },
): Promise<void> {
  if (await ensure(6)) {
    const v = view();
    if (u32(v, 0) === SIG_DIGITAL_SIGNATURE && pos + 6 + u16(v, 4) === stop) return;
  }
  throw new ArchiveError("ARCHIVE_CORRUPT", `${stop - pos} unexplained bytes follow the last central directory record`, { ...ctx, offset: pos });
}
