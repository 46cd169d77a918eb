/**
 * The filter chain of an .xz block: which filters dsp decodes, and the Delta filter itself.
 *
 * A block header lists 1-4 filters in the order the ENCODER applied them; LZMA2 (0x21) must be the
 * last and only the last. Decoding runs the list backwards: LZMA2 first, then each filter before it.
 *
 * Decision on the non-LZMA2 filters:
 *  - Delta (0x03) is decoded: its definition is one line (byte[i] += byte[i - distance], distance
 *    1..256 from the properties byte + 1), it keeps 256 bytes of history, and it is what `xz
 *    --delta` produces for tables of fixed-width binary samples.
 *  - The branch converters for executables (BCJ: 0x04 x86, 0x05 PowerPC, 0x06 IA-64, 0x07 ARM,
 *    0x08 ARM-Thumb, 0x09 SPARC, 0x0A ARM64, 0x0B RISC-V) are refused with ARCHIVE_UNSUPPORTED
 *    naming the filter: dsp moves data exports, not binaries, and a converter that is subtly wrong
 *    would change bytes in ways only the block check notices.
 *  - Any other ID (including LZMA1, 0x4000000000000001, not allowed in .xz) is ARCHIVE_UNSUPPORTED.
 */
import { ArchiveError } from "../archive-error.ts";
import { Lzma2Decoder } from "./lzma2-decoder.ts";
import type { FilterSpec } from "./xz-headers.ts";

export const FILTER_DELTA = 0x03;
export const FILTER_LZMA2 = 0x21;

const FILTER_NAMES: Record<number, string> = {
  0x03: "Delta",
  0x04: "BCJ x86",
  0x05: "BCJ PowerPC",
  0x06: "BCJ IA-64",
  0x07: "BCJ ARM",
  0x08: "BCJ ARM-Thumb",
  0x09: "BCJ SPARC",
  0x0a: "BCJ ARM64",
  0x0b: "BCJ RISC-V",
  0x21: "LZMA2",
};

export function filterName(id: number): string {
  return `${FILTER_NAMES[id] ?? "unknown filter"} (ID 0x${id.toString(16)})`;
}

/** What decoding one block needs: the LZMA2 dictionary, then Delta filters in the order to run them. */
export interface FilterPlan {
  dictSize: number;
  deltas: DeltaDecoder[];
}

export function planFilters(filters: FilterSpec[]): FilterPlan {
  const last = filters.at(-1);
  if (last === undefined || last.id !== FILTER_LZMA2) {
    throw new ArchiveError("ARCHIVE_UNSUPPORTED", `xz block's last filter is ${last ? filterName(last.id) : "missing"}, not LZMA2`, { filterId: last?.id });
  }
  if (last.props.length !== 1) throw new ArchiveError("ARCHIVE_CORRUPT", `xz LZMA2 filter has ${last.props.length} bytes of properties, not 1`);
  const dictSize = Lzma2Decoder.dictSizeFromProps(last.props[0]!);
  const deltas: DeltaDecoder[] = [];
  for (const f of filters.slice(0, -1).reverse()) {
    if (f.id === FILTER_DELTA) {
      if (f.props.length !== 1) throw new ArchiveError("ARCHIVE_CORRUPT", `xz Delta filter has ${f.props.length} bytes of properties, not 1`);
      deltas.push(new DeltaDecoder(f.props[0]! + 1));
    } else if (f.id === FILTER_LZMA2) {
      throw new ArchiveError("ARCHIVE_CORRUPT", "xz LZMA2 filter is not the last in its chain");
    } else {
      throw new ArchiveError("ARCHIVE_UNSUPPORTED", `xz block uses filter ${filterName(f.id)}, which dsp does not decode`, { filterId: f.id });
    }
  }
  return { dictSize, deltas };
}

/** Delta decoding: each byte plus the decoded byte `distance` positions earlier (0 before the start). */
export class DeltaDecoder {
  readonly distance: number;
  private readonly history = new Uint8Array(256);
  private pos = 0;

  constructor(distance: number) {
    if (!(distance >= 1 && distance <= 256)) throw new RangeError(`Delta distance ${distance} out of 1..256`);
    this.distance = distance;
  }

  /** Decodes buf[from, to) in place. */
  apply(buf: Uint8Array, from: number, to: number): void {
    const h = this.history;
    const d = this.distance;
    let pos = this.pos;
    for (let i = from; i < to; i++) {
      const b = (buf[i]! + h[(pos - d) & 0xff]!) & 0xff;
      buf[i] = b;
      h[pos & 0xff] = b;
      pos++;
    }
    this.pos = pos & 0xff;
  }
}
