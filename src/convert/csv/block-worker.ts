/**
 * The Worker side of blocks.ts: converts CSV blocks (whole rows) into encoded Parquet row groups.
 * One BlockConverter per worker, for the worker's life (one file): its builders and encoder
 * scratch are reused from block to block.
 *
 * Messages in:  { plan }  then  { seq, block, job }   (block's buffer transferred)
 *         out:  { seq, result, block }  |  { seq, failed: message, block }
 * The block's buffer goes back with every answer (transferred): the main thread cuts the next
 * blocks into it, and needs it to convert the block again itself when this one failed (the
 * error must carry the file's line numbers, which only the main thread knows).
 * Must be listed as an entrypoint of the compiled binary (scripts/build.ts).
 */
import { BlockConverter, type BlockJob, type BlockPlan } from "./block-converter.ts";

declare const self: Worker;

let converter: BlockConverter | undefined;

self.onmessage = (event: MessageEvent<{ plan: BlockPlan } | { seq: number; block: Uint8Array; job: BlockJob }>) => {
  const data = event.data;
  if ("plan" in data) {
    converter = new BlockConverter(data.plan);
    return;
  }
  const { seq, block, job } = data;
  try {
    if (!converter) throw new Error("CSV block worker: a block came before the plan");
    const result = converter.convert(block, job);
    const transfer = [block.buffer as ArrayBuffer];
    for (const g of result.rowGroups) for (const c of g.chunks) transfer.push(c.bytes.buffer as ArrayBuffer);
    self.postMessage({ seq, result, block }, transfer);
  } catch (err) {
    self.postMessage({ seq, failed: err instanceof Error ? err.message : String(err), block }, [block.buffer as ArrayBuffer]);
  }
};
