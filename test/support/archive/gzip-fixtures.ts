/**
 * gzip fixtures for tests: members made in memory, and a bomb that is never held anywhere: zeros are
 * produced 1 MiB at a time (the same buffer each time) and compressed as a stream by node:zlib, so a
 * "10 GiB" file is ~10 MB of compressed bytes flowing through, generated while it is read.
 */
import zlib from "node:zlib";

export function gzipMember(data: string | Uint8Array, level = 6): Uint8Array {
  return new Uint8Array(zlib.gzipSync(data, { level }));
}

/** `total` zero bytes, 1 MiB at a time, without allocating more than one buffer. */
export async function* zeros(total: number): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(1 << 20);
  for (let left = total; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
}

/** Streams `source` through a gzip compressor (one member). */
export async function* gzipStream(source: AsyncIterable<Uint8Array>, level = 6): AsyncGenerator<Uint8Array> {
  const gz = zlib.createGzip({ level, chunkSize: 64 * 1024 });
  const pump = (async () => {
    try {
      for await (const chunk of source) {
        if (gz.destroyed) break;
        if (!gz.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              gz.off("drain", done);
              gz.off("close", done);
              resolve();
            };
            gz.on("drain", done);
            gz.on("close", done); // destroyed while waiting: the reader stopped
          });
        }
      }
      gz.end();
    } catch (err) {
      gz.destroy(err as Error);
    }
  })();
  try {
    for await (const out of gz as AsyncIterable<Uint8Array>) yield out;
  } finally {
    gz.destroy();
    await pump;
  }
}

/** Flips one bit at `index` (negative = from the end) in a copy. */
export function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  const i = index < 0 ? out.length + index : index;
  out[i]! ^= 1;
  return out;
}
