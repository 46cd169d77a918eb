/**
 * Writes log lines to a file descriptor synchronously. process.stdout.write queues lines in memory
 * when the reader is slower than dsp (a pipe to a logger, a terminal): in a burst of 10,000 files
 * that queue held ~19 MB. A blocking write is backpressure by construction: dsp slows down to the
 * speed of its log reader instead of buffering without bound.
 *
 * A descriptor left non-blocking by the parent answers EAGAIN when full: wait a millisecond and
 * retry. A closed reader (EPIPE) must not stop the daemon: logging stops, work goes on.
 */
import { writeSync } from "node:fs";

export function syncLineWriter(fd: number): (line: string) => void {
  let closed = false;
  return (line: string) => {
    if (closed) return;
    let bytes = Buffer.from(line);
    while (bytes.length > 0) {
      try {
        const n = writeSync(fd, bytes);
        bytes = bytes.subarray(n);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          Bun.sleepSync(1);
          continue;
        }
        if (code === "EPIPE" || code === "EBADF") {
          closed = true;
          return;
        }
        throw err;
      }
    }
  };
}
