/**
 * Run by xz-bomb.test.ts in its own process, with the name of the xz engine as its argument, so that the RSS it reports is this bomb's alone (in the
 * test runner's process, other test files' garbage moves RSS too). Prints one JSON line.
 *
 * The bomb: 40 concatenated .xz streams of 256 MiB of zeros each (10 GiB out of ~1.6 MB), made by
 * the real xz from /dev/zero; the compressed stream is generated while it is read, never stored.
 */
import { unxz } from "../../../../src/archive/xz/unxz.ts";
import { XZ_ENGINES } from "./xz-test-support.ts";

const MiB = 2 ** 20;
const STREAMS = 40;
const made = Bun.spawnSync(["sh", "-c", `head -c ${256 * MiB} /dev/zero | xz -c -0 -T1 --check=crc32`], { stdout: "pipe" });
if (made.exitCode !== 0) throw new Error("xz failed");
const one = new Uint8Array(made.stdout);

async function* bomb(): AsyncGenerator<Uint8Array> {
  for (let s = 0; s < STREAMS; s++) for (let p = 0; p < one.length; p += 16384) yield one.subarray(p, p + 16384);
}

Bun.gc(true);
const base = process.memoryUsage().rss;
let peak = base;
let total = 0;
let chunks = 0;
const engine = XZ_ENGINES.find((e) => e.name === process.argv[2]);
if (engine === undefined) throw new Error(`no xz engine named ${process.argv[2]}`);
for await (const c of unxz(bomb(), { engine })) {
  total += c.length;
  if ((++chunks & 127) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ total, base, peak, compressed: one.length * STREAMS }));
