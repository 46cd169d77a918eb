/**
 * Runs one 7-Zip command line in a fresh instance of 7-Zip's WASM build (npm 7z-wasm: 7-Zip 24.09,
 * Emscripten), with the archive mounted in place and stdout/stderr delivered in whole buffers.
 *
 * Why these hooks:
 *  - stdout/stderr: Emscripten's `Module.stdout` is called once per byte; instead the standard
 *    streams' `write(buffer, offset, length)` operations are replaced after start-up, so a 256 KiB
 *    write of 7-Zip is one call with its place in the WASM heap (copied once, by the sink).
 *  - stdin always reads end-of-file: 7-Zip never waits on a prompt (and dsp always passes -p).
 *  - C++ exceptions: this build cannot catch them; a `throw` in 7-Zip unwinds out of `callMain` as
 *    a JS exception holding a pointer. The thrown type's name is read from its type_info (e.g.
 *    "NArchive::N7z::CInArchiveException") so that errors can say what 7-Zip threw.
 *  - A fresh instance per command: 7-Zip keeps global state, and an instance an exception went
 *    through is not reusable. Instantiating the compiled module takes milliseconds.
 *
 * Invariants: nothing here touches the real file system except positioned reads of the archive
 * (archive-node.ts); 7-Zip's own file system is in memory and receives nothing (data goes to stdout).
 */
import SevenZip from "7z-wasm";
import { mountArchive, type EmscriptenFS, type NodeSource, type StreamOps } from "./archive-node.ts";

/**
 * Where 7-Zip's output goes: `length` bytes of `heap` at `offset`, valid only during the call. Given
 * as a place rather than a view because 7-Zip writes its listing in millions of tiny pieces, and a
 * view object per piece was most of the garbage of listing a large archive (heapView() for a view).
 */
export interface RunSinks {
  stdout(heap: Int8Array, offset: number, length: number): void;
  stderr(heap: Int8Array, offset: number, length: number): void;
}

export interface RunResult {
  /** 7-Zip's exit code (0 ok, 1 warning, 2 fatal error, 7 bad command line, 8 out of memory). */
  exitCode?: number;
  /** What ended the run instead of an exit: a C++ exception type or an Emscripten abort. */
  thrown?: string;
  /** Set when 7-Zip asked to grow its heap past `maxHeapBytes` and was refused (the largest request). */
  heapRefused?: HeapRefusal;
}

export interface HeapRefusal {
  requestedBytes: number;
  capBytes: number;
}

export interface RunLimits {
  /**
   * The most heap 7-Zip may grow to, in bytes. Emscripten grows the heap in steps of up to a fifth
   * of its size, so the heap may end up to ~20% above this; a request for more is refused, and
   * 7-Zip's allocation fails ("not enough memory" or a C++ CNewException).
   */
  maxHeapBytes?: number;
}

/** Where the archive appears inside 7-Zip's file system. */
export const ARCHIVE_PATH = "/in/archive";

interface Instance {
  FS: EmscriptenFS;
  callMain(args: string[]): number;
}

export async function runSevenZip(module: WebAssembly.Module, args: string[], source: NodeSource, sinks: RunSinks, limits: RunLimits = {}): Promise<RunResult> {
  let memory: WebAssembly.Memory | undefined;
  let thrownType: string | undefined;
  let heapRefused: HeapRefusal | undefined;
  const maxHeap = limits.maxHeapBytes ?? Number.POSITIVE_INFINITY;
  let aborted: string | undefined;
  const encoder = new TextEncoder();
  const options = {
    noInitialRun: true,
    stdin: () => null,
    stdout: () => {},
    stderr: () => {},
    print: (text: string) => toSink(sinks.stderr, encoder.encode(`${text}\n`)),
    printErr: (text: string) => toSink(sinks.stderr, encoder.encode(`${text}\n`)),
    onAbort: (what: unknown) => {
      aborted = String(what);
    },
    instantiateWasm(imports: { env: Record<string, unknown> }, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const cxaThrow = imports.env.__cxa_throw as (ptr: number, type: number, destructor: number) => void;
      imports.env.__cxa_throw = (ptr: number, type: number, destructor: number) => {
        thrownType = memory ? typeName(memory, type) : undefined;
        cxaThrow(ptr, type, destructor);
      };
      // Every growth of 7-Zip's heap goes through this import (malloc → sbrk → resize): the one
      // place where its memory can be bounded. Refusing makes that malloc return NULL.
      const resizeHeap = imports.env.emscripten_resize_heap as (requested: number) => number | boolean;
      imports.env.emscripten_resize_heap = (requested: number) => {
        const bytes = requested >>> 0;
        if (bytes > maxHeap) {
          heapRefused = { requestedBytes: Math.max(heapRefused?.requestedBytes ?? 0, bytes), capBytes: maxHeap };
          return false;
        }
        return resizeHeap(requested);
      };
      WebAssembly.instantiate(module, imports as unknown as Bun.WebAssembly.Imports).then((instance) => {
        memory = instance.exports.memory as WebAssembly.Memory;
        done(instance, module);
      });
      return {};
    },
  };
  const instance = (await SevenZip(options as never)) as unknown as Instance;
  const FS = instance.FS;
  replaceWrite(FS, 1, sinks.stdout);
  replaceWrite(FS, 2, sinks.stderr);
  mountArchive(FS, "/in", ARCHIVE_PATH, source);
  const ended = (result: RunResult): RunResult => (heapRefused !== undefined ? { ...result, heapRefused } : result);
  try {
    return ended({ exitCode: instance.callMain(args) });
  } catch (err) {
    if (thrownType !== undefined) return ended({ thrown: `C++ exception ${thrownType}` });
    if (aborted !== undefined) return ended({ thrown: `abort: ${aborted}` });
    return ended({ thrown: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
}

type Sink = RunSinks["stdout"];

function toSink(sink: Sink, bytes: Uint8Array): void {
  sink(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
}

function replaceWrite(FS: EmscriptenFS, fd: number, sink: Sink): void {
  const stream = FS.getStream(fd);
  if (!stream) throw new Error(`7-Zip's file descriptor ${fd} is not open`);
  const ops: StreamOps = {
    write(_s, buffer, offset, length) {
      if (length > 0) sink(buffer, offset, length);
      return length;
    },
  };
  stream.stream_ops = ops;
}

/** "N8NArchive3N7z19CInArchiveExceptionE" → "NArchive::N7z::CInArchiveException" (type_info's name). */
function typeName(memory: WebAssembly.Memory, typeInfo: number): string | undefined {
  try {
    const heap = new Uint8Array(memory.buffer);
    const namePtr = new DataView(memory.buffer).getUint32(typeInfo + 4, true);
    let end = namePtr;
    while (end < heap.length && heap[end] !== 0 && end - namePtr < 256) end++;
    const mangled = new TextDecoder().decode(heap.subarray(namePtr, end));
    return demangle(mangled);
  } catch {
    return undefined;
  }
}

function demangle(name: string): string {
  const nested = /^N((?:\d+[A-Za-z_]\w*)+)E$/.exec(name);
  const body = nested ? nested[1]! : name;
  const parts: string[] = [];
  for (let at = 0; at < body.length; ) {
    const m = /^(\d+)/.exec(body.slice(at));
    if (!m) return name;
    const n = Number(m[1]);
    at += m[1]!.length;
    parts.push(body.slice(at, at + n));
    at += n;
  }
  return parts.length > 0 ? parts.join("::") : name;
}
