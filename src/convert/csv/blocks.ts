/**
 * Block-parallel CSV conversion, for files larger than the sample when two workers are allowed:
 * the main thread cuts the byte stream into blocks of whole rows (block-cutter.ts), two workers
 * each tokenize, type and encode the blocks they are given into finished Parquet row groups
 * (block-worker.ts), and the main thread writes the row groups in file order.
 *
 *   - The column types come from the sample (csv-to-parquet.ts) before the first block is cut;
 *     every block is read against them. A value that does not fit fails its block, and the file
 *     restarts with the wider type as in the sequential path (WidenNeeded).
 *   - A worker knows neither where its block starts in the file nor its line numbers. Blocks are
 *     settled in file order, so when one fails, the main thread knows the line it starts on (the
 *     sum of the earlier blocks' lines) and converts it again itself (block-converter.ts): the
 *     error, or the WidenNeeded, is then raised with the same line and column as a sequential
 *     reading, because the block holds whole rows and is read the same way.
 *   - Memory: at most workers + EXTRA_IN_FLIGHT blocks are out at once, and the main thread
 *     waits for the oldest (and writes it, at the sink's pace) before cutting more; the blocks'
 *     buffers come back with the answers and are cut into again.
 *
 * Invariant: row groups reach the writer in the order of the blocks, each block's in its order,
 * so the file holds the rows in input order.
 */

import { DEFAULT_MAX_ROW_BYTES } from "./csv-tokenizer.ts";
import type { ParquetWriter } from "../parquet/parquet-writer.ts";
import type { Sample } from "../sample.ts";
import { BlockConverter, type BlockJob, type BlockPlan, type BlockResult } from "./block-converter.ts";
import { BlockCutter } from "./block-cutter.ts";

/**
 * Blocks of this much text (cut at the next row end), one row group each, usually. Measured on the
 * 500 MB benchmark file (two workers, three blocks out): 4 MiB 121-128 MiB peak RSS, 8 MiB 168-176,
 * 16 MiB 251-257, for the same CPU time; 4 MiB blocks make the file 0.4% larger than 8 MiB ones
 * (more row groups: more dictionary pages), still 1% smaller than DuckDB's.
 */
export const BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * Blocks out at once: one per worker being converted, and one more waiting, so that the worker
 * that finishes first starts again at once. Each costs RSS (the block, the worker's builders and
 * pages): with 8 MiB blocks, measured 147 / 160 / 166 MiB peak for 2 / 3 / 4 blocks out on the
 * 500 MB benchmark file (speeds of 3 and 4 could not be told apart on the shared machine).
 */
const EXTRA_IN_FLIGHT = 1;
/** A full collection on this thread after every GC_EVERY blocks written (see writeOldest). */
const GC_EVERY = 8;
/** Block buffers kept for the next cuts. */
const MAX_SPARE = 2;

/**
 * The worker's module. From source, next to this file. In the compiled binary the worker is an
 * extra entrypoint (scripts/build.ts), stored under the entrypoints' common folder (src/) in Bun's
 * embedded file system, named in full (a relative path would be looked up on disk).
 */
const WORKER_URL = import.meta.url.includes("/$bunfs/") ? "/$bunfs/root/convert/csv/block-worker.ts" : new URL("./block-worker.ts", import.meta.url).href;

interface Answer {
  seq: number;
  block: Uint8Array;
  result?: BlockResult;
  failed?: string;
}

export interface BlockRunOptions {
  plan: BlockPlan;
  /** The file's first row is a header. */
  header: boolean;
  writer: ParquetWriter;
  /** Started by the caller as soon as the file is known to be large (the workers load while the sample is planned); the caller closes it. */
  pool: BlockPool;
  blockBytes?: number;
}

/** Converts the sample and the rest of the input; returns the number of data rows. The caller finishes the writer. */
export async function convertBlocks(sample: Sample, input: AsyncIterator<Uint8Array>, o: BlockRunOptions): Promise<number> {
  const blockBytes = o.blockBytes ?? BLOCK_BYTES;
  const pool = o.pool;
  pool.plan(o.plan);
  const spare: ArrayBuffer[] = [];
  const allocate = (size: number): Uint8Array => {
    const b = spare.pop();
    return b !== undefined && b.byteLength >= size ? new Uint8Array(b) : new Uint8Array(size);
  };
  const cutter = new BlockCutter(o.plan.dialect, blockBytes, DEFAULT_MAX_ROW_BYTES, allocate);
  const jobs = new Map<number, { job: BlockJob; answer: Promise<Answer> }>();
  let submitted = 0;
  let written = 0;
  let line = 1;
  let rows = 0;

  const writeOldest = async (): Promise<void> => {
    const seq = written;
    const { job, answer } = jobs.get(seq)!;
    const a = await answer;
    jobs.delete(seq);
    if (a.failed !== undefined) {
      // Same block, same reading, on this thread and with its real first line: throws the file's error.
      new BlockConverter(o.plan).convert(a.block, { ...job, firstLine: line });
      throw new Error(`CSV block worker failed on a block that converts on the main thread: ${a.failed}`);
    }
    if (spare.length < MAX_SPARE) spare.push(a.block.buffer as ArrayBuffer);
    for (const g of a.result!.rowGroups) await o.writer.writeEncodedRowGroup(g.chunks, g.rows);
    // The row groups' pages, transferred from the worker, are garbage once written, and Bun
    // collects such buffers late (see row-group-pipeline.ts). A full collection costs this thread
    // ~10 ms, time the workers lack on two cores: every GC_EVERY blocks (500 MB benchmark file, 4
    // MiB blocks: every 4th 124-126 MiB peak RSS, every 8th 127-131 MiB and 0.05 s less CPU,
    // every 16th 133-136 MiB; with 8 MiB blocks and no collection at all, 182 MiB).
    if (written % GC_EVERY === 0) Bun.gc(true);
    rows += a.result!.rows;
    line += a.result!.lines;
    written++;
  };
  const submit = async (block: Uint8Array, final: boolean): Promise<void> => {
    while (submitted - written >= pool.size + EXTRA_IN_FLIGHT) await writeOldest();
    const seq = submitted++;
    // firstLine: unknown here, and only an error needs it (see writeOldest).
    const job: BlockJob = { final, skipHeader: o.header && seq === 0, firstLine: 1 };
    const answer = pool.run(seq, block, job);
    answer.catch(() => undefined); // observed by writeOldest
    jobs.set(seq, { job, answer });
  };

  for (const chunk of sample.chunks) for (const block of cutter.push(chunk)) await submit(block, false);
  sample.chunks.length = 0; // the sample's bytes are in the blocks now
  if (!sample.ended) {
    for (;;) {
      const next = await input.next();
      if (next.done) break;
      for (const block of cutter.push(next.value)) await submit(block, false);
    }
  }
  await submit(cutter.end(), true);
  while (written < submitted) await writeOldest();
  return rows;
}

/** The workers, each with the plan; a block goes to the one with the fewest blocks out. */
export class BlockPool {
  private readonly workers: { worker: Worker; out: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void; worker: number }>();
  private broken: Error | undefined;

  constructor(readonly size: number) {
    for (let k = 0; k < size; k++) {
      const worker = new Worker(WORKER_URL);
      worker.onmessage = (event: MessageEvent<Answer>) => {
        const w = this.waiting.get(event.data.seq);
        if (!w) return;
        this.waiting.delete(event.data.seq);
        this.workers[k]!.out--;
        w.resolve(event.data);
      };
      worker.onerror = (event) => this.fail(new Error(`CSV block worker failed: ${event.message}`));
      worker.addEventListener("close", () => {
        if ([...this.waiting.values()].some((w) => w.worker === k)) this.fail(new Error("CSV block worker exited"));
      });
      this.workers.push({ worker, out: 0 });
    }
  }

  /** Sends the plan (before any block). */
  plan(plan: BlockPlan): void {
    for (const w of this.workers) w.worker.postMessage({ plan });
  }

  run(seq: number, block: Uint8Array, job: BlockJob): Promise<Answer> {
    if (this.broken) return Promise.reject(this.broken);
    let k = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.workers[i]!.out < this.workers[k]!.out) k = i;
    const w = this.workers[k]!;
    w.out++;
    const answer = new Promise<Answer>((resolve, reject) => this.waiting.set(seq, { resolve, reject, worker: k }));
    w.worker.postMessage({ seq, block, job }, [block.buffer as ArrayBuffer]);
    return answer;
  }

  close(): void {
    for (const w of this.workers) w.worker.terminate();
    this.workers.length = 0;
    this.fail(new Error("CSV block workers closed"));
  }

  private fail(err: Error): void {
    this.broken ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
