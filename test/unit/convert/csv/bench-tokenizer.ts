/**
 * Tokenizer throughput (not a test): generates a ~100 MB CSV in memory (7 columns: int, float,
 * short string, ISO timestamp, boolean, nullable int, date; ~15 % of the strings quoted, a few
 * with a doubled quote or a comma) and tokenizes it in chunks like a file read would, with a sink
 * that touches every field's range so the work cannot be skipped. Prints MB/s per chunk size, by
 * wall-clock time and by this process's CPU time (the second is steadier on a shared machine).
 *
 *   bun test/unit/convert/csv/bench-tokenizer.ts [--mb 100] [--runs 5]
 */

import { CsvTokenizer, type RowSink } from "../../../../src/convert/csv/csv-tokenizer.ts";
import type { FieldView } from "../../../../src/convert/csv/field-view.ts";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : dflt;
};
const targetBytes = arg("mb", 100) * 1e6;
const runs = arg("runs", 5);

function generate(bytes: number): Uint8Array {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const words = ["alpha", "beta", "gamma", "delta", "Zürich", "naïve", "résumé", "foo", "bar", "baz", "quux", "München"];
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  let total = 0;
  let id = 0;
  parts.push(enc.encode("id,price,name,ts,active,qty,day\n"));
  while (total < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 10_000; k++) {
      id++;
      const price = (rand() * 10000).toFixed(2);
      let name = words[Math.floor(rand() * words.length)]! + (rand() < 0.5 ? ` ${Math.floor(rand() * 100)}` : "");
      const r = rand();
      if (r < 0.02) name = `"${name} ""x"""`;
      else if (r < 0.05) name = `"${name}, ltd"`;
      else if (r < 0.15) name = `"${name}"`;
      const t = 1_600_000_000_000 + Math.floor(rand() * 1e11);
      const ts = new Date(t).toISOString();
      const active = rand() < 0.5 ? "true" : "false";
      const qty = rand() < 0.2 ? "" : String(Math.floor(rand() * 1000));
      const day = ts.slice(0, 10);
      lines.push(`${id},${price},${name},${ts},${active},${qty},${day}\n`);
    }
    const chunk = enc.encode(lines.join(""));
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

class TouchSink implements RowSink {
  rows = 0;
  fields = 0;
  bytes = 0;
  row(f: FieldView, _line: number): void {
    this.rows++;
    const n = f.count;
    this.fields += n;
    const s = f.start;
    const e = f.end;
    for (let i = 0; i < n; i++) this.bytes += e[i]! - s[i]!;
  }
}

const data = generate(targetBytes);
const mb = data.length / 1e6;
console.log(`generated ${mb.toFixed(1)} MB`);

for (const chunkSize of [64 * 1024, 1024 * 1024]) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let sink = new TouchSink();
  for (let r = 0; r < runs; r++) {
    sink = new TouchSink();
    const tok = new CsvTokenizer({ delimiter: 0x2c, quote: 0x22 }, sink);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let p = 0; p < data.length; p += chunkSize) tok.push(data.subarray(p, p + chunkSize));
    tok.end();
    const c = process.cpuUsage(c0);
    wall.push(mb / ((performance.now() - t0) / 1000));
    cpu.push(mb / ((c.user + c.system) / 1e6));
  }
  console.log(`chunk ${chunkSize / 1024} KiB: wall ${summary(wall)}; cpu ${summary(cpu)} (${sink.rows} rows, ${sink.fields} fields)`);
}

function summary(speeds: number[]): string {
  const s = [...speeds].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} MB/s, best ${s[s.length - 1]!.toFixed(0)} MB/s`;
}
