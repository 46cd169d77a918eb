/**
 * The tail every table converter shares: typed column builders fill up; once they hold
 * `rowGroupBytes`, their chunks are handed to the Parquet writer as one row group, and the reader
 * goes on filling the next one while this one is encoded (in a worker, when the writer has one)
 * and written. At most one row group is in flight: the next hand-over first waits for it, so
 * memory stays at two row groups and the sink's pace (S3) still reaches the reader. The arrays
 * of a written row group go back to the builders (ColumnBuilder.recycle), so the two sets of
 * arrays are filled in turn instead of allocating (zeroing, page-faulting) a new set per group.
 *
 * Invariants: builders are taken only when no row group is in flight; every path out (finish,
 * abandon) settles the in-flight row group first; after abandon the writer's worker is released.
 */
import type { ColumnBuilder } from "./infer/index.ts";
import type { ParquetWriter } from "./parquet/parquet-writer.ts";

/** Row groups smaller than this are not worth a full collection (small files, tests). */
const COLLECT_AFTER_BYTES = 4 * 1024 * 1024;

export class RowGroupPipeline {
  private inFlight: Promise<void> | undefined;
  private inFlightBytes = 0;

  constructor(
    private readonly writer: ParquetWriter,
    private readonly builders: readonly ColumnBuilder[],
    private readonly rowGroupBytes: number,
  ) {}

  /**
   * Drives a push parser over the whole file: the sample the converter kept (released once fed),
   * then the rest of the input, handing over row groups between chunks; then the end of the
   * parser and the footer. On any failure the row group in flight is settled and the writer
   * released before the error goes on.
   */
  async feed(sample: { chunks: Uint8Array[]; ended: boolean }, input: AsyncIterator<Uint8Array>, parser: { push(chunk: Uint8Array): void; end(): void }): Promise<void> {
    try {
      for (const chunk of sample.chunks) {
        parser.push(chunk);
        await this.maybeFlush();
      }
      sample.chunks.length = 0; // the sample's bytes are no longer needed
      if (!sample.ended) {
        for (;;) {
          const next = await input.next();
          if (next.done) break;
          parser.push(next.value);
          await this.maybeFlush();
        }
      }
      parser.end();
      await this.finish();
    } catch (err) {
      await this.abandon();
      throw err;
    }
  }

  /** Call between input chunks: hands over a row group when the builders hold enough. */
  async maybeFlush(): Promise<void> {
    let size = 0;
    for (const b of this.builders) size += b.byteSize;
    if (size >= this.rowGroupBytes) await this.handOver();
  }

  /** Writes what is left and the footer. */
  async finish(): Promise<void> {
    await this.handOver();
    await this.settle();
    await this.writer.finish();
  }

  /** Gives up: waits for the row group in flight (its error is not the interesting one) and releases the writer. */
  async abandon(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.inFlight = undefined;
    this.writer.abandon();
  }

  private async handOver(): Promise<void> {
    if (this.builders.length === 0 || this.builders[0]!.rows === 0) return;
    await this.settle();
    let size = 0;
    for (const b of this.builders) size += b.byteSize;
    this.inFlightBytes = size;
    const group = this.writer.writeRowGroup(this.builders.map((b) => b.take())).then((reusable) => {
      // The writer is done with the row group's arrays: the builders fill them again.
      for (let c = 0; c < reusable.length; c++) this.builders[c]!.recycle(reusable[c]!);
    });
    // Observed by the next settle(); never left unobserved.
    group.catch(() => undefined);
    this.inFlight = group;
  }

  private async settle(): Promise<void> {
    const previous = this.inFlight;
    this.inFlight = undefined;
    if (!previous) return;
    await previous;
    if (this.inFlightBytes < COLLECT_AFTER_BYTES) return;
    // The row group's encoded pages are garbage now, but Bun collects large array buffers late:
    // without this, two or three row groups' worth stayed resident (68 MB CSV, 16 MiB groups: 161
    // MiB peak RSS; with it, 113 MiB; with the arrays recycled too, 500 MB CSV: 266 MiB without,
    // 122 MiB with). One full collection per row group costs a few milliseconds.
    Bun.gc(true);
  }
}
