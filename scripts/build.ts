/**
 * Builds the self-contained `dist/dsp` executable with `bun build --compile`. The binary carries
 * only JavaScript (and, later, embedded WASM): a native addon would be unpacked to $TMPDIR at start,
 * which is a temporary file dsp promises never to write.
 */
import { $ } from "bun";
import { statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist/dsp`;
// The Parquet encoding worker is a second entrypoint: a compiled binary carries a Worker's code only
// when it is listed (src/convert/parquet/worker-encoder.ts loads it by its path).
await $`bun build --compile --minify --sourcemap=none ${root}src/cli/main.ts ${root}src/convert/parquet/encode-worker.ts --outfile ${out}`.quiet();
const mib = (statSync(out).size / 1024 ** 2).toFixed(1);
console.log(`built ${out} (${mib} MiB)`);
