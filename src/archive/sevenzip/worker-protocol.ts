/**
 * Messages between the main thread (worker-client.ts) and the 7-Zip worker (sevenzip-worker.ts),
 * and the command lines the worker runs. Types and pure helpers only: both sides import this.
 *
 *   main → worker   { type: "list", module, source, switchType, name, maxEntries, maxHeapBytes }
 *   worker → main   { type: "listed", listing, stderr, result, overflow, records, parseError }
 *                   (the listing is parsed in the worker as it streams: listing-stream.ts)
 *   main → worker   { type: "extract", ring, exclude, maxHeapBytes }
 *   worker → ring   DATA frames (stdout), TEXT frames (stderr), one END frame (JSON RunResult)
 *   worker → main   { type: "failed", message }                  (the worker itself failed)
 */
import type { ArchiveErrorCode, ArchiveErrorContext } from "../archive-error.ts";
import type { NodeSource } from "./archive-node.ts";
import type { Listing } from "./listing.ts";
import type { RunResult } from "./wasm-runner.ts";
import { ARCHIVE_PATH } from "./wasm-runner.ts";

export interface ListRequest {
  type: "list";
  module: WebAssembly.Module;
  source: NodeSource;
  switchType: string;
  /** Names the archive in the parser's messages. */
  name: string;
  /** Stop 7-Zip once its listing has more entries than this (the caller's entry limit). */
  maxEntries: number;
  /** 7-Zip's heap cap for the listing (heap-limit.ts). */
  maxHeapBytes: number;
}

export interface ExtractRequest {
  type: "extract";
  ring: SharedArrayBuffer;
  /** Paths (as listed) 7-Zip must not extract: links, which dsp skips anyway. */
  exclude: string[];
  /** 7-Zip's heap cap for the extraction (heap-limit.ts). */
  maxHeapBytes: number;
}

export type WorkerRequest = ListRequest | ExtractRequest;

export interface ListedReply {
  type: "listed";
  /** The parsed listing; undefined when it was stopped (overflow) or could not be parsed (parseError). */
  listing: Listing | undefined;
  stderr: string;
  result: RunResult;
  /**
   * 7-Zip was stopped and the text is incomplete: the listing passed MAX_LISTING_BYTES ("bytes"),
   * or had more than maxEntries entry records ("entries"); false when it ran to its end.
   */
  overflow: false | "bytes" | "entries";
  /** Entries parsed before the listing ended or was stopped. */
  records: number;
  /** The listing had a line no record can hold (ListingParser): the ArchiveError, as data. */
  parseError?: { code: ArchiveErrorCode; message: string; context: ArchiveErrorContext };
}

/**
 * The most listing text read, whatever the entry limit (about 200,000 entries at ~300 bytes each):
 * the text is parsed as it streams and not kept, but a listing of few entries with enormous values
 * (names up to the key limit, comments, one endless line) must not grow the worker's records or
 * its partial line without bound either. The entry limit itself stops a listing of many entries
 * first (ListRequest.maxEntries).
 */
export const MAX_LISTING_BYTES = 64 * 1024 * 1024;

export interface FailedReply {
  type: "failed";
  message: string;
}

export type WorkerReply = ListedReply | FailedReply;

/**
 * A password nobody uses, passed so that 7-Zip never prompts. Encryption is never decided by
 * whether decoding with it "works": only from headers and the listing (header-probe.ts, listing.ts).
 */
const NO_PASSWORD = "-pdsp:encrypted-archives-are-refused";

/** Technical listing: one "Key = Value" record per entry, names in UTF-8. */
export function listArgs(switchType: string): string[] {
  return ["l", "-slt", "-sccUTF-8", `-t${switchType}`, NO_PASSWORD, "--", ARCHIVE_PATH];
}

/**
 * Every entry's bytes to stdout, in archive order, nothing else there: -bso0 -bsp0 silence the
 * normal output and progress; errors stay on stderr (-bse2, the default).
 *
 * `exclude`: entries 7-Zip must leave out, each by its exact path from the archive's root
 * (-xr-: no recursion, so `link` does not also exclude `sub/link`). Links are excluded because
 * 7-Zip cannot write a RAR 5 symbolic or hard link to stdout: it writes nothing for it and reports a
 * "Data Error", which would fail the archive. A path with 7-Zip wildcards (* ?) may exclude more
 * than the link: the missing bytes then fail the archive with ARCHIVE_SIZE_MISMATCH, never silently.
 */
export function extractArgs(switchType: string, exclude: readonly string[] = []): string[] {
  const skip = exclude.map((path) => `-xr-!${path}`);
  return ["x", "-so", "-bso0", "-bsp0", "-bse2", "-y", "-sccUTF-8", `-t${switchType}`, NO_PASSWORD, ...skip, "--", ARCHIVE_PATH];
}
