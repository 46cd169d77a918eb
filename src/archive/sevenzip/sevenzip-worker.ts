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
import { heapView, type NodeSource } from "./archive-node.ts";
import { runSevenZip } from "./wasm-runner.ts";
import { isArchiveError } from "../archive-error.ts";
import type { Listing } from "./listing.ts";
import { ListingStream } from "./listing-stream.ts";
import { extractArgs, listArgs, MAX_LISTING_BYTES, type ListedReply, type ListRequest, type WorkerReply, type WorkerRequest } from "./worker-protocol.ts";

declare const self: Worker;

let opened: { module: WebAssembly.Module; source: NodeSource; switchType: string } | undefined;
const decoder = new TextDecoder();

const reply = (message: WorkerReply) => self.postMessage(message);

async function list(req: ListRequest): Promise<void> {
  opened = { module: req.module, source: req.source, switchType: req.switchType };
  const listing = new ListingStream(req.name);
  const err: Uint8Array[] = [];
  let errBytes = 0;
  let overflow: ListedReply["overflow"] = false;
  let parseError: ListedReply["parseError"];
  const stop = () => {
    throw new Error("listing stopped"); // ends 7-Zip's run (out of callMain)
  };
  const tooLong = () => listing.bytes + errBytes > MAX_LISTING_BYTES;
  const result = await runSevenZip(
    req.module,
    listArgs(req.switchType),
    req.source,
    {
      stdout: (heap, offset, length) => {
        if (overflow || parseError) stop();
        try {
          listing.feed(heap, offset, length);
        } catch (e) {
          parseError = asParseError(e);
          stop();
        }
        if (tooLong()) overflow = "bytes";
        else if (listing.entries > req.maxEntries) overflow = "entries";
        if (overflow) stop();
      },
      stderr: (heap, offset, length) => {
        errBytes += length;
        if (tooLong()) {
          overflow = "bytes";
          stop();
        }
        err.push(heapView(heap, offset, length).slice());
      },
    },
    { maxHeapBytes: req.maxHeapBytes },
  );
  let parsed: Listing | undefined;
  if (!overflow && !parseError) {
    try {
      parsed = listing.end();
    } catch (e) {
      parseError = asParseError(e);
    }
    // The last staged text is parsed only at the end: the limit applies to it too.
    if (listing.entries > req.maxEntries) {
      overflow = "entries";
      parsed = undefined;
    }
  }
  reply({ type: "listed", listing: parsed, stderr: decoder.decode(Buffer.concat(err)), result, overflow, records: listing.entries, parseError });
}

/** The parser's ArchiveError as data (a class does not survive postMessage); anything else is a bug, rethrown. */
function asParseError(e: unknown): NonNullable<ListedReply["parseError"]> {
  if (!isArchiveError(e)) throw e;
  return { code: e.code, message: e.message, context: e.context };
}

async function extract(ring: SharedArrayBuffer, exclude: string[], maxHeapBytes: number): Promise<void> {
  if (!opened) throw new Error("extract before list");
  const writer = new RingWriter(ring);
  const result = await runSevenZip(
    opened.module,
    extractArgs(opened.switchType, exclude),
    opened.source,
    {
      stdout: (heap, offset, length) => writer.write(FRAME_DATA, heapView(heap, offset, length)),
      stderr: (heap, offset, length) => writer.write(FRAME_TEXT, heapView(heap, offset, length)),
    },
    { maxHeapBytes },
  );
  writer.write(FRAME_END, new TextEncoder().encode(JSON.stringify(result)));
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  const job = req.type === "list" ? list(req) : extract(req.ring, req.exclude, req.maxHeapBytes);
  job.catch((err: unknown) => reply({ type: "failed", message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) }));
};
