/**
 * Rebuilds the state from a progress log's bytes. Pure: takes bytes, returns the entries and what
 * was found at the end of the file. A record whose checksum holds but whose payload does not decode
 * is treated like damage: the file cannot be trusted past it.
 */
import { CodecError } from "./binary-codec.ts";
import type { FileEntry, FileState } from "./file-entry.ts";
import { scanRecords, type ScanEnd } from "./record-format.ts";
import { RECORD, readEntryPayload, readForget, readHeader, readKey, readProgress, readSnapshot, skimEntryPayload, skimSnapshot, type Header } from "./records.ts";

/** What replaying needs of an entry, whatever else it decodes. */
interface Replayable {
  relPath: string;
  state: FileState;
  bytesDone?: number;
  /** Decoded fully only; skimmed entries do not carry keys. */
  keys?: string[];
}

/** How ENTRY and SNAPSHOT payloads are decoded: fully (the run) or skimmed (`dsp status`). */
export interface EntryDecoder<E extends Replayable> {
  entry(payload: Uint8Array): E;
  snapshot(payload: Uint8Array): E[];
}

const FULL: EntryDecoder<FileEntry> = { entry: readEntryPayload, snapshot: readSnapshot };
export const SKIM = { entry: skimEntryPayload, snapshot: skimSnapshot };

export interface Replayed<E extends Replayable = FileEntry> {
  header: Header | undefined;
  entries: Map<string, E>;
  records: number;
  /** Offset up to which the file is valid. */
  validBytes: number;
  lastSeq: bigint;
  end: ScanEnd;
}

export function replay(bytes: Uint8Array): Replayed {
  return replayWith(bytes, FULL);
}

export function replayWith<E extends Replayable>(bytes: Uint8Array, decode: EntryDecoder<E>): Replayed<E> {
  const scan = scanRecords(bytes);
  const entries = new Map<string, E>();
  let header: Header | undefined;
  let validBytes = 0;
  let lastSeq = 0n;
  let records = 0;
  for (const r of scan.records) {
    try {
      if (records === 0 && r.type !== RECORD.HEADER) throw new CodecError("the first record is not a header");
      switch (r.type) {
        case RECORD.HEADER:
          if (records !== 0) throw new CodecError("a header in the middle of the log");
          header = readHeader(r.payload);
          break;
        case RECORD.ENTRY: {
          const e = decode.entry(r.payload);
          const prev = entries.get(e.relPath);
          if (prev?.bytesDone !== undefined && e.state === "in-progress") e.bytesDone = prev.bytesDone;
          entries.set(e.relPath, e);
          break;
        }
        case RECORD.FORGET:
          entries.delete(readForget(r.payload));
          break;
        case RECORD.PROGRESS: {
          const p = readProgress(r.payload);
          const e = entries.get(p.relPath);
          if (e) e.bytesDone = p.bytesDone;
          break;
        }
        case RECORD.KEY: {
          const k = readKey(r.payload);
          const e = entries.get(k.relPath);
          e?.keys?.push(k.key);
          break;
        }
        case RECORD.SNAPSHOT:
          for (const e of decode.snapshot(r.payload)) entries.set(e.relPath, e);
          break;
        default:
          throw new CodecError(`unknown record type ${r.type}`);
      }
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      return { header, entries, records, validBytes, lastSeq, end: { kind: "corrupt", offset: r.offset, reason: err.message } };
    }
    records++;
    validBytes = r.end;
    lastSeq = r.seq;
  }
  return { header, entries, records, validBytes, lastSeq, end: scan.end };
}
