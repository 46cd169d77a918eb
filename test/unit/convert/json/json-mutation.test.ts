/**
 * Robustness of the record reader against damaged input: valid JSON and JSON Lines texts with
 * random byte edits (deleted, inserted, replaced bytes, including invalid UTF-8 and cut multi-byte
 * characters) are read whole and in chunks of several sizes. Each must give the same outcome
 * every time: the same records (count and staged cells), or the same ConversionError code, line
 * and column; and nothing but a ConversionError may be thrown. Seeded; DSP_JSON_MUTATION_SEED
 * replays a failure.
 */
import { expect, test } from "bun:test";
import type { RecordParser } from "../../../../src/convert/json/record-parser.ts";
import { RecordStream } from "../../../../src/convert/json/record-stream.ts";
import { ConversionError } from "../../../../src/convert/table-converter.ts";
import { mulberry32, seedFrom } from "../../../support/random.ts";

const BASES: [string, boolean][] = [
  [`{"id":1,"name":"Zoë","tags":["a","b"],"n":-1.5e3,"ok":true}\n{"id":2,"name":"日本","x":{"k":[1,{"z":null}]},"ok":false}\r\n\n{"id":3,"s":"a\\"b\\\\c\\u00e9\\ud83d\\ude00"}\n`, false],
  [`[\n  {"id": 1, "name": "Zoë", "tags": ["a", "b"]},\n  {"id": 2, "name": "日本", "x": {"k": [1, {"z": null}]}},\n  {"id": 3, "s": "a\\"b"}\n]\n`, true],
  [`{\n  "id": 1,\n  "name": "😀"\n}\n{"id": 2}`, true],
];
const INSERTS = [..."{}[],:\"\\ \n\r\t0-.eEtfnu", "é", "😀"].map((s) => [...new TextEncoder().encode(s)]).concat([[0xff], [0xc3], [0xe2, 0x82], [0x80], [0x00]]);

function outcome(bytes: Uint8Array, json: boolean, chunk: number): string {
  const seen: string[] = [];
  const utf8 = new TextDecoder();
  const stream = new RecordStream(!json, {
    record(p: RecordParser, line: number) {
      const cells: string[] = [];
      for (let k = 0; k < p.keys.count; k++) {
        if (p.stamp[k] !== p.record) continue;
        const buf = p.inScratch[k] === 1 ? p.scratch : p.source;
        cells.push(`${p.keys.name(k)}=${p.kinds[k]}:${utf8.decode(buf.subarray(p.starts[k]!, p.ends[k]!))}`);
      }
      seen.push(`${line}|${cells.join(",")}`);
    },
  });
  try {
    for (let at = 0; at < bytes.length; at += chunk) stream.push(bytes.slice(at, at + chunk));
    stream.end();
    return `ok ${stream.shape} ${seen.join(" / ")}`;
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    return `${err.code} ${err.line}:${err.column} after ${seen.length} records`;
  }
}

test("damaged inputs: the same records or the same error at every chunking, and only ConversionErrors", () => {
  const seed = seedFrom("DSP_JSON_MUTATION_SEED");
  const rnd = mulberry32(seed);
  const counts = new Map<string, number>();
  for (let n = 0; n < 1500; n++) {
    const [text, json] = BASES[Math.floor(rnd() * BASES.length)]!;
    const bytes = [...new TextEncoder().encode(text)];
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (bytes.length + 1));
      const roll = rnd();
      const insert = INSERTS[Math.floor(rnd() * INSERTS.length)]!;
      if (roll < 0.35) bytes.splice(at, 1);
      else if (roll < 0.7) bytes.splice(at, 1, ...insert);
      else bytes.splice(at, 0, ...insert);
    }
    const input = Uint8Array.from(bytes);
    const whole = outcome(input, json, input.length + 1);
    for (const chunk of [1, 2, 3, 7, 16]) {
      const part = outcome(input, json, chunk);
      if (part !== whole) {
        expect({ seed, n, chunk, input: JSON.stringify(new TextDecoder().decode(input)), outcome: part }).toEqual({ seed, n, chunk, input: JSON.stringify(new TextDecoder().decode(input)), outcome: whole });
      }
    }
    const kind = whole.split(" ")[0]!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  // The edits reach the interesting paths: some inputs stay valid, most fail in several ways.
  expect(counts.get("ok") ?? 0).toBeGreaterThan(20);
  for (const code of ["JSON_INVALID", "JSON_TRUNCATED", "JSON_INVALID_UTF8", "JSON_NOT_RECORDS"]) expect(counts.get(code) ?? 0).toBeGreaterThan(0);
}, 120_000);
