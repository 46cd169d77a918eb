/**
 * XML throughput (not a test): generates a ~100 MB XML export in memory (records of 7 fields: id,
 * amount, name (some with `&amp;`), created_at ISO timestamp, active boolean, an optional score,
 * day date; indented one field per line, as exporters write it) and measures, in 1 MiB chunks like
 * a file read:
 *   - the tokenizer alone (a sink that touches every event),
 *   - the whole conversion to Parquet (ZSTD), output discarded.
 * Prints MB/s by wall-clock time and by this process's CPU time (steadier on a shared machine).
 * DuckDB has no XML reader, so there is no comparison here.
 *
 *   bun test/unit/convert/xml/bench-xml.ts [--mb 100] [--runs 3] [--flat]
 *
 * --flat writes each record on one line without indentation (less white space per field).
 */

import { convertXml } from "../../../../src/convert/xml/xml-to-parquet.ts";
import type { XmlAttributes } from "../../../../src/convert/xml/xml-attributes.ts";
import type { XmlSink } from "../../../../src/convert/xml/xml-scanner.ts";
import { XmlTokenizer } from "../../../../src/convert/xml/xml-tokenizer.ts";
import { mulberry32 } from "../../../support/random.ts";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : dflt;
};
const targetBytes = arg("mb", 100) * 1e6;
const runs = arg("runs", 3);
const flat = args.includes("--flat");
const CHUNK = 1024 * 1024;

function generate(bytes: number): Uint8Array {
  const rand = mulberry32(42);
  const words = ["alpha", "beta", "gamma", "delta", "Zürich", "naïve", "résumé", "foo", "bar", "baz", "quux", "München"];
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode('<?xml version="1.0" encoding="UTF-8"?>\n<export>\n')];
  const nl = flat ? "" : "\n    ";
  let total = parts[0]!.length;
  let id = 0;
  while (total < bytes) {
    let block = "";
    for (let k = 0; k < 5_000; k++) {
      id++;
      const amount = (rand() * 10000).toFixed(2);
      let name = words[Math.floor(rand() * words.length)]! + (rand() < 0.5 ? ` ${Math.floor(rand() * 100)}` : "");
      if (rand() < 0.05) name += " &amp; Co";
      const ts = new Date(1_600_000_000_000 + Math.floor(rand() * 1e11)).toISOString();
      const active = rand() < 0.5 ? "true" : "false";
      const score = rand() < 0.2 ? "" : `${nl}<score>${Math.floor(rand() * 1000)}</score>`;
      block +=
        `${flat ? "" : "  "}<row>${nl}<id>${id}</id>${nl}<amount>${amount}</amount>${nl}<name>${name}</name>${nl}<created_at>${ts}</created_at>` +
        `${nl}<active>${active}</active>${score}${nl}<day>${ts.slice(0, 10)}</day>${flat ? "" : "\n  "}</row>\n`;
    }
    const b = enc.encode(block);
    parts.push(b);
    total += b.length;
  }
  parts.push(enc.encode("</export>\n"));
  return new Uint8Array(Buffer.concat(parts));
}

function* chunks(data: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < data.length; at += CHUNK) yield data.subarray(at, Math.min(data.length, at + CHUNK));
}

async function* source(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* chunks(data);
}

async function time(label: string, mb: number, fn: () => Promise<void> | void): Promise<void> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`${label.padEnd(28)} ${(mb / best(wall)).toFixed(1).padStart(7)} MB/s wall   ${(mb / best(cpu)).toFixed(1).padStart(7)} MB/s cpu   (best of ${runs})`);
}

const data = generate(targetBytes);
const mb = data.length / 1e6;
console.log(`generated ${mb.toFixed(1)} MB of XML (${flat ? "flat" : "indented"} records), ${CHUNK / 1024} KiB chunks`);

let touched = 0;
const sink: XmlSink = {
  open(_buf: Uint8Array, s: number, e: number, attrs: XmlAttributes) {
    touched += e - s + attrs.count;
  },
  close() {
    touched++;
  },
  text(_buf: Uint8Array, s: number, e: number) {
    touched += e - s;
  },
};
await time("tokenizer only", mb, () => {
  const t = new XmlTokenizer(sink);
  for (const c of chunks(data)) t.push(c);
  t.end();
});
let rows = 0;
await time("XML → Parquet (ZSTD)", mb, async () => {
  const r = await convertXml(source(data), async () => {}, { name: "bench.xml", compression: "ZSTD", rowGroupBytes: 16 * 1024 * 1024, keyValueMetadata: {} });
  rows = r.rows;
});
console.log(`${rows} rows; ${touched} (checksum)`);
