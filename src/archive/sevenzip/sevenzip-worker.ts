/**
 * The Worker side of worker-client.ts: runs 7-Zip (WASM) for one archive, first its listing, then
 * its extraction to the shared ring (ring-buffer.ts), where the writes block while the main thread
 * has not read: 7-Zip's pace is the consumer's.
 *
 * Messages: see worker-protocol.ts. One archive per worker; the main thread terminates the worker
 * when it is done with the archive (on success, on error, on an early stop).
 * Must be listed as an entrypoint of the compiled binary (scripts/build.ts).
 */
import { FRAME_DATA, FRAME_END, FRAME_TEXT, RingWriter } from "./ring-buffer.ts";
import type { NodeSource } from "./archive-node.ts";
import { runSevenZip } from "./wasm-runner.ts";
import { extractArgs, listArgs, MAX_LISTING_BYTES, RecordCounter, type ListedReply, type ListRequest, type WorkerReply, type WorkerRequest } from "./worker-protocol.ts";

declare const self: Worker;

let opened: { module: WebAssembly.Module; source: NodeSource; switchType: string } | undefined;
const decoder = new TextDecoder();

const reply = (message: WorkerReply) => self.postMessage(message);

async function list(req: ListRequest): Promise<void> {
  opened = { module: req.module, source: req.source, switchType: req.switchType };
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let kept = 0;
  let overflow: ListedReply["overflow"] = false;
  const records = new RecordCounter();
  const keep = (into: Uint8Array[], b: Uint8Array) => {
    kept += b.length;
    if (kept > MAX_LISTING_BYTES) overflow = "bytes";
    if (into === out) records.feed(b);
    // The archive's own block has a "Path = " line too: one more record than entries is allowed.
    if (records.count - 1 > req.maxEntries) overflow = "entries";
    if (overflow) throw new Error("listing stopped"); // ends 7-Zip's run (out of callMain)
    into.push(b.slice());
  };
  const result = await runSevenZip(
    req.module,
    listArgs(req.switchType),
    req.source,
    { stdout: (b) => keep(out, b), stderr: (b) => keep(err, b) },
    { maxHeapBytes: req.maxHeapBytes },
  );
  reply({ type: "listed", stdout: decoder.decode(Buffer.concat(out)), stderr: decoder.decode(Buffer.concat(err)), result, overflow, records: Math.max(0, records.count - 1) });
}

async function extract(ring: SharedArrayBuffer, exclude: string[], maxHeapBytes: number): Promise<void> {
  if (!opened) throw new Error("extract before list");
  const writer = new RingWriter(ring);
  const result = await runSevenZip(
    opened.module,
    extractArgs(opened.switchType, exclude),
    opened.source,
    { stdout: (b) => writer.write(FRAME_DATA, b), stderr: (b) => writer.write(FRAME_TEXT, b) },
    { maxHeapBytes },
  );
  writer.write(FRAME_END, new TextEncoder().encode(JSON.stringify(result)));
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  const job = req.type === "list" ? list(req) : extract(req.ring, req.exclude, req.maxHeapBytes);
  job.catch((err: unknown) => reply({ type: "failed", message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) }));
};
