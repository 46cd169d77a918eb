/**
 * One 7z folder's packed stream, decoded by the system's liblzma (LZMA or LZMA2) or copied (Copy),
 * pulled `n` bytes at a time: the direct reader asks for each file's bytes in turn.
 *
 * Invariants:
 *  - Never more output than the folder's unpack size; input is read from the packed stream only
 *    (positioned reads of at most READ_BYTES, inside [packStart, packStart + packSize)).
 *  - Every call makes progress or fails: liblzma producing nothing from input it was given, or the
 *    packed stream ending before the unpack size, is ARCHIVE_CORRUPT.
 *  - The dictionary (liblzma's memory) is freed by close(), which the reader calls when the
 *    folder is done or abandoned.
 */
import { ArchiveError } from "../../archive-error.ts";
import type { Liblzma } from "../../xz/liblzma.ts";
import { NativeLzma2Decoder } from "../../xz/native-lzma2.ts";
import type { ReadAt } from "../header-probe.ts";
import type { DirectFolder } from "./sz-header.ts";

const READ_BYTES = 1024 * 1024;

/** The dictionary a folder's coder declares (LZMA: its 32-bit size; LZMA2: the property byte), or 0 for Copy. */
export function folderDictionary(f: Pick<DirectFolder, "method" | "props">): number {
  if (f.method === "lzma") return (f.props[1]! | (f.props[2]! << 8) | (f.props[3]! << 16) | (f.props[4]! << 24)) >>> 0;
  if (f.method === "lzma2") {
    const p = f.props[0]!;
    if (p > 40) return Number.POSITIVE_INFINITY; // invalid (sz-header.ts hands such a folder to 7-Zip)
    return p === 40 ? 0xffffffff : (2 | (p & 1)) * 2 ** (11 + (p >> 1));
  }
  return 0;
}

export class FolderDecoder {
  private input: Uint8Array = new Uint8Array(0);
  private inPos = 0;
  private readPos: number;
  private produced = 0;
  private readonly decoder: NativeLzma2Decoder | undefined;

  constructor(
    private readonly folder: DirectFolder,
    private readonly readAt: ReadAt,
    lib: Liblzma,
    private readonly archive: string,
  ) {
    this.readPos = folder.packStart;
    if (folder.method === "copy") return;
    const window = Math.max(4096, Math.min(folderDictionary(folder), folder.unpackSize));
    if (folder.method === "lzma2") this.decoder = new NativeLzma2Decoder(lib, window);
    else {
      let d = folder.props[0]!;
      const lc = d % 9;
      d = Math.floor(d / 9);
      this.decoder = new NativeLzma2Decoder(lib, window, { lc, lp: d % 5, pb: Math.floor(d / 5) });
    }
  }

  /** Bytes of the folder still to come. */
  get remaining(): number {
    return this.folder.unpackSize - this.produced;
  }

  /** Fills `out[0, n)` with the folder's next n bytes (n ≤ remaining). */
  async read(out: Uint8Array, n: number): Promise<void> {
    if (n > this.remaining) throw new RangeError(`read(${n}) past the folder's end (${this.remaining} left)`);
    let at = 0;
    while (at < n) {
      if (this.decoder === undefined) {
        if (this.inPos >= this.input.length) await this.fill();
        const take = Math.min(n - at, this.input.length - this.inPos);
        out.set(this.input.subarray(this.inPos, this.inPos + take), at);
        this.inPos += take;
        at += take;
        continue;
      }
      const dec = this.decoder;
      dec.decode(this.input, this.inPos, this.input.length, out, at, n);
      const progress = dec.inPos !== this.inPos || dec.outPos !== at;
      this.inPos = dec.inPos;
      at = dec.outPos;
      if (at < n && dec.finished) throw this.corrupt(`the LZMA data ends ${this.remaining - at} bytes before the folder's ${this.folder.unpackSize}`);
      if (!progress) {
        // liblzma holds no output back when it has input: with input left, the data is bad.
        if (this.inPos < this.input.length) throw this.corrupt("liblzma made no progress on the data");
        await this.fill(); // all input used: more is needed (the packed stream ending here is damage)
      }
    }
    this.produced += n;
  }

  close(): void {
    this.decoder?.close();
  }

  private async fill(): Promise<void> {
    const end = this.folder.packStart + this.folder.packSize;
    if (this.readPos >= end) throw this.corrupt(`the packed data (${this.folder.packSize} bytes) ends before the folder's ${this.folder.unpackSize} bytes`);
    const bytes = await this.readAt(this.readPos, Math.min(READ_BYTES, end - this.readPos));
    if (bytes.length === 0) throw new ArchiveError("ARCHIVE_TRUNCATED", `${this.archive} ends inside a packed stream`, { archive: this.archive, offset: this.readPos });
    this.readPos += bytes.length;
    this.input = bytes;
    this.inPos = 0;
  }

  private corrupt(what: string): ArchiveError {
    return new ArchiveError("ARCHIVE_CORRUPT", `${this.archive}: ${what}`, { archive: this.archive, offset: this.readPos });
  }
}
