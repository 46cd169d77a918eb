/**
 * Reads the extraction's frames (ring-buffer.ts) as one byte stream plus 7-Zip's verdicts: the
 * entry splitter takes bytes from it and asks it, after each entry, whether 7-Zip moved on cleanly.
 *
 * Rules:
 *  - Any stderr line but a tolerated warning (diagnostics.ts) fails the archive. The error is raised
 *    once the message is complete: at the next data frame or the end, so 7-Zip's whole message
 *    (e.g. "ERROR: CRC Failed : dir/a.txt") is in the context.
 *  - The end frame carries how 7-Zip ended: exit code 0 (or 1 with only tolerated warnings) is a
 *    clean end; another code or a thrown exception is an error classified from the messages.
 *  - The frames stopping without an end (the worker died) is an error too, never a short success.
 *  - An error message right before the end frame is judged with the end frame's result: a run
 *    refused memory (heap-limit.ts) is ARCHIVE_LIMIT_MEMORY whatever 7-Zip printed.
 */
import { crc32 } from "node:zlib";
import type { ArchiveError } from "../archive-error.ts";
import { isToleratedWarning, messageLines, sevenZipError } from "./diagnostics.ts";
import { FRAME_DATA, FRAME_END, FRAME_TEXT, type Frame } from "./ring-buffer.ts";
import type { RunResult } from "./wasm-runner.ts";

export interface FrameSource {
  next(): Promise<Frame | undefined>;
}

export class FrameCursor {
  /** Bytes received but not yet taken. */
  private pending: Uint8Array | undefined;
  private text = "";
  private failing = false;
  private result: RunResult | undefined;
  /** Bytes taken so far (the offset in 7-Zip's output stream). */
  position = 0;

  constructor(
    private readonly frames: FrameSource,
    private readonly archive: string,
    private readonly whyGone: () => Error | undefined,
  ) {}

  /** True once the end frame has been read. */
  get ended(): boolean {
    return this.result !== undefined;
  }

  /**
   * Up to `max` bytes of the stream, or undefined at its end (the end frame, clean). Throws on
   * 7-Zip's errors. `entry` names the entry being read, for messages.
   */
  async take(max: number, entry: string): Promise<Uint8Array | undefined> {
    if (!this.pending) await this.fill(entry);
    const p = this.pending;
    if (!p) return undefined;
    if (p.length <= max) {
      this.pending = undefined;
      this.position += p.length;
      return p;
    }
    this.pending = p.subarray(max);
    this.position += max;
    return p.subarray(0, max);
  }

  /** Reads ahead to the next data or the end: 7-Zip reported nothing wrong up to here. */
  async settle(entry: string): Promise<void> {
    if (!this.pending) await this.fill(entry);
  }

  /** Reads frames until data is pending or the end was read (clean), throwing on errors. */
  private async fill(entry: string): Promise<void> {
    while (!this.pending && !this.result) {
      const frame = await this.frames.next();
      if (!frame) {
        const gone = this.whyGone();
        throw this.error(entry, "7-Zip stopped before the end of the extraction", gone ? [gone.message] : []);
      }
      if (frame.type === FRAME_TEXT) {
        this.text += new TextDecoder().decode(frame.payload);
        if (messageLines(this.text).some((l) => !isToleratedWarning(l))) this.failing = true;
        continue;
      }
      if (frame.type === FRAME_END) {
        // Read before judging a failure: how the run ended (e.g. refused memory) decides its code.
        const result = (this.result = JSON.parse(new TextDecoder().decode(frame.payload)) as RunResult);
        if (this.failing) throw this.error(entry, "7-Zip reported an error");
        const clean = result.thrown === undefined && (result.exitCode === 0 || (result.exitCode === 1 && this.onlyTolerated()));
        if (!clean) throw this.error(entry, "7-Zip could not extract the archive");
        continue;
      }
      if (this.failing) throw this.error(entry, "7-Zip reported an error");
      if (frame.type === FRAME_DATA && frame.payload.length > 0) this.pending = frame.payload;
    }
  }

  private onlyTolerated(): boolean {
    const lines = messageLines(this.text);
    return lines.length > 0 && lines.every(isToleratedWarning);
  }

  error(entry: string | undefined, what: string, extra: string[] = []): ArchiveError {
    return sevenZipError(what, [...messageLines(this.text), ...extra], this.result, {
      archive: this.archive,
      stage: "extraction",
      ...(entry !== undefined ? { entry } : {}),
      offset: this.position,
    });
  }
}

/** Running CRC-32 (zlib's, same as 7-Zip's listing). */
export function updateCrc(crc: number, bytes: Uint8Array): number {
  return crc32(bytes, crc) >>> 0;
}
