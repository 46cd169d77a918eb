/**
 * The first bytes of a table file, kept in memory: converters infer the dialect, the record shape
 * and the column types from them, then feed them to the real pass before the rest of the input
 * (RowGroupPipeline.feed), so the file is still read once. Bounded by the caller's `upTo` plus one
 * input chunk.
 */

export interface Sample {
  chunks: Uint8Array[];
  bytes: number;
  /** The input ended inside the sample: it is the whole file. */
  ended: boolean;
}

export function emptySample(): Sample {
  return { chunks: [], bytes: 0, ended: false };
}

/** Reads into the sample until it holds `upTo` bytes or the input ends. */
export async function fillSample(input: AsyncIterator<Uint8Array>, s: Sample, upTo: number): Promise<void> {
  while (s.bytes < upTo) {
    const next = await input.next();
    if (next.done) {
      s.ended = true;
      break;
    }
    // The source may reuse its buffer: the sample is kept, so it owns a copy.
    s.chunks.push(next.value.slice());
    s.bytes += next.value.length;
  }
}
