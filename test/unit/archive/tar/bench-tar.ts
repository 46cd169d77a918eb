/**
 * TAR reader throughput: a 500 MB tar of 1 MB files, read from a file and from memory, every body
 * consumed, against `tar -xOf file > /dev/null` in the same run. Goal: ≥ 400 MB/s.
 * Bodies are views into the source's chunks, so "parse only" is the reader's own cost; the "copied"
 * lines add what a consumer that touches every byte pays.
 *
 *   bun test/unit/archive/tar/bench-tar.ts [sizeMB=500] [entryKB=1024]
 *
 * Not a test (no timing assertion anywhere); prints MB/s and peak RSS. The tar file is written to a
 * temporary folder (the benchmark's, not dsp's) and removed at the end.
 */
import { createReadStream, mkdtempSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTar } from "../../../../src/archive/tar/tar-reader.ts";
import { tarHeader } from "../../../support/archive/tar-writer.ts";

const sizeMB = Number(process.argv[2] ?? 500);
const entryKB = Number(process.argv[3] ?? 1024);
const entryBytes = entryKB * 1024;
const count = Math.floor((sizeMB * 1e6) / entryBytes);

/** Writes the tar entry by entry (never the whole archive in memory); returns its size. */
function writeTar(path: string): number {
  const payload = Uint8Array.from({ length: entryBytes }, (_, i) => (i * 31 + 7) & 0xff);
  const pad = new Uint8Array((512 - (entryBytes % 512)) % 512);
  const fd = openSync(path, "w");
  let size = 0;
  for (let i = 0; i < count; i++) {
    for (const part of [tarHeader({ name: `dir/file-${i}.bin`, size: entryBytes }), payload, pad]) size += writeSync(fd, part);
  }
  size += writeSync(fd, new Uint8Array(1024));
  closeSync(fd);
  return size;
}

async function* memoryChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

let peakRss = 0;
/** Reads every entry; `copy` copies each body chunk into a 1 MiB buffer, as an upload part would. */
async function consume(source: AsyncIterable<Uint8Array>, copy = false): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  const part = new Uint8Array(1 << 20);
  for await (const e of readTar(source)) {
    entries++;
    let at = 0;
    for await (const c of e.body) {
      if (copy) {
        if (at + c.length > part.length) at = 0;
        part.set(c, at);
        at += c.length;
      }
      bytes += c.length;
    }
    if ((entries & 63) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return { entries, bytes };
}

async function time(label: string, total: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  const mbs = total / 1e6 / best;
  console.log(`${label.padEnd(52)} ${mbs.toFixed(0).padStart(6)} MB/s  (best of 3, ${best.toFixed(2)} s)`);
  return mbs;
}

const dir = mkdtempSync(join(tmpdir(), "dsp-bench-tar-"));
const file = join(dir, "bench.tar");
const total = writeTar(file);
console.log(`tar: ${(total / 1e6).toFixed(0)} MB, ${count} entries of ${entryKB} KiB`);

try {
  const fsStream = () => createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
  const check = await consume(fsStream());
  if (check.entries !== count || check.bytes !== count * entryBytes) throw new Error(`read ${JSON.stringify(check)}`);
  const dsp = await time("dsp readTar, file (fs stream, 1 MiB reads)", total, () => consume(fsStream()));
  await time("dsp readTar, file, bodies copied to a part buffer", total, () => consume(fsStream(), true));
  await time("dsp readTar, file (Bun.file().stream())", total, () => consume(Bun.file(file).stream() as unknown as AsyncIterable<Uint8Array>));
  console.log(`peak RSS while reading the file: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  let native = 0;
  if (Bun.which("tar")) {
    native = await time("tar -xOf file > /dev/null", total, async () => {
      const p = Bun.spawn(["sh", "-c", `tar -xOf '${file}' > /dev/null`]);
      if ((await p.exited) !== 0) throw new Error("tar failed");
    });
  }
  const tar = new Uint8Array(await Bun.file(file).arrayBuffer());
  await time("dsp readTar, memory, 64 KiB chunks (parse only)", total, () => consume(memoryChunks(tar, 64 * 1024)));
  await time("dsp readTar, memory, 64 KiB chunks, bodies copied", total, () => consume(memoryChunks(tar, 64 * 1024), true));
  if (native > 0) console.log(`dsp (file) / native tar: ${(dsp / native).toFixed(2)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
