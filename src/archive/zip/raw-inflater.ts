/**
 * Synchronous, step-by-step raw inflate on Bun's native zlib: each `step` decompresses into one
 * caller-sized output buffer and stops when it is full, so the consumer's pace decides how much is
 * ever inflated and a bomb never produces more than one buffer ahead of it.
 *
 * Why not the public APIs: `inflateRawSync` is one-shot (the whole entry in memory);
 * `createInflateRaw()` as a stream inflates a whole written chunk regardless of the reader, ran at
 * 290-360 MB/s against 420-450 MB/s here (200 MB CSV entry, this machine), and needs async glue to
 * apply backpressure. This drives the same native handle the stream uses (`_handle.writeSync`, the
 * binding node:zlib itself calls for its sync path), which Bun 1.4.4 exposes as Node does.
 * `assertInflaterAvailable` fails loudly if a Bun upgrade removes it; the unit tests pin it too.
 *
 * Invariants: after an error the inflater is unusable and must be closed; `close` is idempotent.
 */
import { constants, createInflateRaw } from "node:zlib";

interface NativeZlib {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  close(): void;
  onerror: (message: string, errno: number, code?: string) => void;
}

export interface InflateStep {
  /** Input bytes consumed by this step. */
  consumed: number;
  /** Output bytes written into the buffer by this step. */
  produced: number;
}

export class RawInflater {
  private readonly stream: ReturnType<typeof createInflateRaw>;
  private readonly handle: NativeZlib;
  private readonly state: Uint32Array;
  private failure: { message: string; code: string | undefined } | undefined;
  private closed = false;

  constructor() {
    this.stream = createInflateRaw();
    const internals = this.stream as unknown as { _handle?: NativeZlib; _writeState?: Uint32Array };
    if (typeof internals._handle?.writeSync !== "function" || !(internals._writeState instanceof Uint32Array)) {
      this.stream.close();
      throw new Error("node:zlib no longer exposes its native handle: RawInflater needs updating for this Bun version");
    }
    this.handle = internals._handle;
    this.state = internals._writeState;
    // The stream's own handler would destroy the stream and emit asynchronously; the error is
    // wanted synchronously, from the step that caused it.
    this.handle.onerror = (message, _errno, code) => {
      this.failure = { message, code };
    };
  }

  /**
   * Inflates input[inOff, inOff + inLen) into out[outOff, outOff + outLen). `last` says no more
   * input will follow: zlib then reports a stream that is not finished ("unexpected end of file")
   * instead of waiting for more. Throws an Error carrying zlib's message and code on bad data.
   */
  step(input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number, last: boolean): InflateStep {
    if (this.closed) throw new Error("RawInflater used after close");
    this.handle.writeSync(last ? constants.Z_FINISH : constants.Z_NO_FLUSH, input, inOff, inLen, out, outOff, outLen);
    if (this.failure !== undefined) {
      const err = new Error(this.failure.message) as Error & { code?: string };
      if (this.failure.code !== undefined) err.code = this.failure.code;
      throw err;
    }
    const availOut = this.state[0]!;
    const availIn = this.state[1]!;
    return { consumed: inLen - availIn, produced: outLen - availOut };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close();
  }
}

/** Throws at startup (or in a test) if this Bun's zlib lacks what RawInflater drives. */
export function assertInflaterAvailable(): void {
  new RawInflater().close();
}
