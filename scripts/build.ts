/**
 * Builds the self-contained `dist/dsp` executable with `bun build --compile`. The binary carries
 * only JavaScript (and, later, embedded WASM): a native addon would be unpacked to $TMPDIR at start,
 * which is a temporary file dsp promises never to write.
 */
import { $ } from "bun";
import { statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist/dsp`;
// The Parquet encoding worker and the 7-Zip (WASM) worker are extra entrypoints: a compiled binary
// carries a Worker's code only when it is listed (src/convert/parquet/worker-encoder.ts and
// src/archive/sevenzip/worker-client.ts load them by their paths), and so is the CSV block worker
// (src/convert/csv/blocks.ts).
// --bytecode: the code is embedded precompiled, so a start (cron every minute, `dsp status`) does
// not parse ~180 modules first: `dsp --version` 55 -> 15 ms, `dsp status` on 100,000 files
// 185 -> 170 ms, for 9 MiB more binary. It needs --format=esm for top-level await.
await $`bun build --compile --bytecode --format=esm --minify --sourcemap=none ${root}src/cli/main.ts ${root}src/convert/parquet/encode-worker.ts ${root}src/archive/sevenzip/sevenzip-worker.ts ${root}src/convert/csv/block-worker.ts --outfile ${out}`.quiet();
const mib = (statSync(out).size / 1024 ** 2).toFixed(1);
console.log(`built ${out} (${mib} MiB)`);
