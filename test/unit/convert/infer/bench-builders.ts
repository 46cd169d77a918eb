/**
 * Builder speed (not a test): 1,000,000 rows × 7 columns (int, float, short string, ISO timestamp
 * with zone, boolean, nullable int, date) built from byte ranges into 64 Ki-row chunks, the way the
 * CSV reader will feed them. Prints the time of inference over a 10,000-row sample and of the
 * build, best of a few runs (the first includes JIT warm-up).
 *
 * Run: bun test/unit/convert/infer/bench-builders.ts [rows]
 */

import type { ColumnType } from "../../../../src/convert/column-types.ts";
import { ColumnBuilder } from "../../../../src/convert/infer/column-builder.ts";
import { TypeInference } from "../../../../src/convert/infer/infer-types.ts";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const COLS = 7;
const CHUNK = 65536;

// One buffer of all cells, as a tokenizer would leave them, plus (start, end) per cell.
function generate(rows: number): { buf: Uint8Array; starts: Int32Array; ends: Int32Array } {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    const t = 1_700_000_000_000 + Math.floor(rand() * 1e10);
    parts.push(
      String(Math.floor(rand() * 1e9) - 5e8),
      (Math.round(rand() * 1e6) / 100).toString(),
      `${words[r & 7]}-${r % 1000}`,
      new Date(t).toISOString().replace("Z", "+00:00"),
      rand() < 0.5 ? "true" : "false",
      rand() < 0.2 ? "" : String(Math.floor(rand() * 100000)),
      new Date(t).toISOString().slice(0, 10),
    );
  }
  const enc = new TextEncoder();
  const encoded = parts.map((p) => enc.encode(p));
  const total = encoded.reduce((n, e) => n + e.length + 1, 0);
  const buf = new Uint8Array(total);
  const starts = new Int32Array(encoded.length);
  const ends = new Int32Array(encoded.length);
  let at = 0;
  encoded.forEach((e, i) => {
    buf.set(e, at);
    starts[i] = at;
    ends[i] = at + e.length;
    at += e.length + 1;
  });
  return { buf, starts, ends };
}

const { buf, starts, ends } = generate(ROWS);
console.log(`${ROWS} rows × ${COLS} columns, ${(buf.length / 2 ** 20).toFixed(1)} MiB of text`);

for (let run = 0; run < 4; run++) {
  let t0 = performance.now();
  const inference = new TypeInference(COLS);
  for (let i = 0; i < Math.min(ROWS, 10_000) * COLS; i++) inference.observe(i % COLS, buf, starts[i]!, ends[i]!, false);
  const types: ColumnType[] = inference.result();
  const inferMs = performance.now() - t0;

  t0 = performance.now();
  const builders = types.map((t) => new ColumnBuilder(t, CHUNK));
  let chunks = 0;
  let rejected = 0;
  for (let r = 0, i = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++, i++) if (!builders[c]!.append(buf, starts[i]!, ends[i]!, false)) rejected++;
    if (builders[0]!.rows === CHUNK) {
      for (const b of builders) b.take();
      chunks++;
    }
  }
  for (const b of builders) b.take();
  const buildMs = performance.now() - t0;
  console.log(
    `run ${run}: types ${types.join(",")}; inference (10k rows) ${inferMs.toFixed(1)} ms; build ${buildMs.toFixed(0)} ms ` +
      `(${((buildMs * 1e6) / (ROWS * COLS)).toFixed(0)} ns/cell, ${chunks + 1} chunks, ${rejected} rejected)`,
  );
}
