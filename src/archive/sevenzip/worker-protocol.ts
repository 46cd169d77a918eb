/**
 * Messages between the main thread (worker-client.ts) and the 7-Zip worker (sevenzip-worker.ts),
 * and the command lines the worker runs. Types and pure helpers only: both sides import this.
 *
 *   main → worker   { type: "list", module, source, switchType, maxEntries, maxHeapBytes }
 *   worker → main   { type: "listed", stdout, stderr, result, overflow }   (texts decoded as UTF-8)
 *   main → worker   { type: "extract", ring, exclude, maxHeapBytes }
 *   worker → ring   DATA frames (stdout), TEXT frames (stderr), one END frame (JSON RunResult)
 *   worker → main   { type: "failed", message }                  (the worker itself failed)
 */
import type { NodeSource } from "./archive-node.ts";
import type { RunResult } from "./wasm-runner.ts";
import { ARCHIVE_PATH } from "./wasm-runner.ts";

export interface ListRequest {
  type: "list";
  module: WebAssembly.Module;
  source: NodeSource;
  switchType: string;
  /** Stop 7-Zip once its listing has more entry records than this (the caller's entry limit). */
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
  stdout: string;
  stderr: string;
  result: RunResult;
  /**
   * 7-Zip was stopped and the text is incomplete: the listing passed MAX_LISTING_BYTES ("bytes"),
   * or had more than maxEntries entry records ("entries"); false when it ran to its end.
   */
  overflow: false | "bytes" | "entries";
  /** Entry records seen (lines starting "Path = ", less the archive's own). */
  records: number;
}

/**
 * Counts the lines that start with "Path = " in a byte stream fed in pieces (7-Zip writes its
 * listing in buffers that may split a line anywhere). Each listed entry starts with one; so does
 * the archive's own block, and a comment may hold more: an over-count only stops a listing early.
 */
export class RecordCounter {
  private static readonly START = new TextEncoder().encode("Path = ");
  count = 0;
  /** Bytes of START matched at the start of the current line; -1: this line is not a record's start. */
  private matched = 0;

  feed(bytes: Uint8Array): void {
    const start = RecordCounter.START;
    let matched = this.matched;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === 0x0a) matched = 0;
      else if (matched >= 0) {
        if (c !== start[matched]) matched = -1;
        else if (++matched === start.length) {
          this.count += 1;
          matched = -1;
        }
      }
    }
    this.matched = matched;
  }
}

/**
 * The most listing text kept, whatever the entry limit (about 200,000 entries at ~300 bytes each):
 * an archive of few entries with enormous listings (names up to the key limit, comments) must not
 * grow the worker without bound either. The entry limit itself stops the listing first
 * (ListRequest.maxEntries): a 60 KB 7z of 100,000 empty files took dsp to 460 MiB before it did.
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
