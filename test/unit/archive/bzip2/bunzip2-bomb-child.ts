/**
 * Run by bunzip2-bomb.test.ts in its own process, so that the RSS it reports is this bomb's alone.
 * The bomb: `bzip2 -9` of 64 MiB of zeros (~100 bytes, 2 blocks) repeated 160 times as concatenated
 * streams: 10 GiB out of ~16 KB in, generated while it is read, never stored.
 * Args: [stopAfterBytes]: stop consuming after that many output bytes (default: consume all).
 * Prints one JSON line: { total, base, peak, streamBytes, pulled, returned }.
 */
import { bunzip2 } from "../../../../src/archive/bzip2/bunzip2.ts";

const MiB = 2 ** 20;
const REPEATS = 160;
const stopAfter = Number(process.argv[2] ?? Number.POSITIVE_INFINITY);

const p = Bun.spawnSync(["sh", "-c", `head -c ${64 * MiB} /dev/zero | bzip2 -9`], { stdout: "pipe", stderr: "pipe" });
if (p.exitCode !== 0) throw new Error(`bzip2 failed: ${p.stderr.toString()}`);
const stream = new Uint8Array(p.stdout);

let pulled = 0;
let returned = false;
async function* bomb(): AsyncGenerator<Uint8Array> {
  try {
    for (let i = 0; i < REPEATS; i++) {
      pulled += stream.length;
      yield stream;
    }
  } finally {
    returned = true;
  }
}

Bun.gc(true);
const base = process.memoryUsage().rss;
let peak = base;
let total = 0;
let chunks = 0;
for await (const c of bunzip2(bomb())) {
  total += c.length;
  if ((++chunks & 127) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  if (total >= stopAfter) break;
}
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ total, base, peak, streamBytes: stream.length, pulled, returned }));
