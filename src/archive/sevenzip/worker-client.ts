/**
 * The main thread's handle on one 7-Zip worker: starts it, asks for the listing, starts the
 * extraction into a ring, and terminates it.
 *
 * Invariants:
 *  - Every worker started is terminated by `terminate()` (idempotent); `liveSevenZipWorkers()` counts
 *    the ones whose thread has not closed yet (tests check it returns to 0).
 *  - A worker that fails or exits wakes whoever waits on it: a pending `list()` rejects, a ring
 *    reader sees the end of the frames (`onGone`).
 *  - The WASM module is compiled once per process and shared with every worker (a compiled
 *    WebAssembly.Module is passed, not recompiled); its bytes are embedded in the compiled binary
 *    (imported as a file: a `/$bunfs/` path there), never unpacked to disk.
 */
import wasmPath from "7z-wasm/7zz.wasm" with { type: "file" };
import type { NodeSource } from "./archive-node.ts";
import type { ListedReply, WorkerReply, WorkerRequest } from "./worker-protocol.ts";

/**
 * The worker's module. From source, next to this file. In the compiled binary the worker is an
 * extra entrypoint (scripts/build.ts), stored under the entrypoints' common folder (src/) in Bun's
 * embedded file system, so the embedded path is named in full (a relative one would be looked up
 * on disk).
 */
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/archive/sevenzip/sevenzip-worker.ts"
  : new URL("./sevenzip-worker.ts", import.meta.url).href;

let compiled: Promise<WebAssembly.Module> | undefined;

/** 7-Zip's WASM module, compiled on first use. */
export function sevenZipModule(): Promise<WebAssembly.Module> {
  if (!compiled) {
    compiled = Bun.file(wasmPath)
      .arrayBuffer()
      .then((bytes) => WebAssembly.compile(bytes));
    compiled.catch(() => (compiled = undefined)); // a later call tries again
  }
  return compiled;
}

let live = 0;

/** Workers started and not yet closed (their thread may still be ending after terminate()). */
export function liveSevenZipWorkers(): number {
  return live;
}

const TERMINATE_WAIT_MS = 5000;

export class SevenZipWorker {
  private readonly worker: Worker;
  private readonly closed: Promise<void>;
  private pending: { resolve: (r: ListedReply) => void; reject: (e: Error) => void } | undefined;
  private gone: Error | undefined;
  private goneListeners: Array<() => void> = [];
  private terminated = false;

  constructor() {
    this.worker = new Worker(WORKER_URL);
    live += 1;
    this.closed = new Promise<void>((resolve) => {
      this.worker.addEventListener("close", () => {
        live -= 1;
        this.fail(new Error("7-Zip worker exited"));
        resolve();
      });
    });
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const msg = event.data;
      if (msg.type === "listed") {
        const p = this.pending;
        this.pending = undefined;
        p?.resolve(msg);
      } else this.fail(new Error(`7-Zip worker failed: ${msg.message}`));
    };
    this.worker.onerror = (event) => this.fail(new Error(`7-Zip worker failed: ${event.message}`));
  }

  /** Runs the listing; resolves with the parsed listing, 7-Zip's stderr and how it ended. */
  list(module: WebAssembly.Module, source: NodeSource, switchType: string, name: string, maxEntries: number, maxHeapBytes: number): Promise<ListedReply> {
    if (this.gone) return Promise.reject(this.gone);
    const done = new Promise<ListedReply>((resolve, reject) => (this.pending = { resolve, reject }));
    this.post({ type: "list", module, source, switchType, name, maxEntries, maxHeapBytes });
    return done;
  }

  /** Starts the extraction into `ring`; its frames tell how it goes. */
  extract(ring: SharedArrayBuffer, exclude: string[], maxHeapBytes: number): void {
    this.post({ type: "extract", ring, exclude, maxHeapBytes });
  }

  /** Calls `listener` once when the worker fails or exits (at once if it already has). */
  onGone(listener: () => void): void {
    if (this.gone) listener();
    else this.goneListeners.push(listener);
  }

  /** Why the worker is gone, if it is. */
  get failure(): Error | undefined {
    return this.gone;
  }

  /** Terminates the worker and waits (bounded) until its thread has closed. Idempotent. */
  async terminate(): Promise<void> {
    if (!this.terminated) {
      this.terminated = true;
      this.worker.terminate();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }

  private fail(err: Error): void {
    if (this.gone) return;
    this.gone = err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const l of listeners) l();
  }
}
