/**
 * The record reader alone (record-stream.ts, record-parser.ts): which records it delivers, the
 * line each starts on, the staged cells, whatever the chunking; and the sample's finishRecord.
 */
import { describe, expect, test } from "bun:test";
import { JsonKind } from "../../../../src/convert/json/json-kinds.ts";
import type { RecordParser } from "../../../../src/convert/json/record-parser.ts";
import { RecordStream } from "../../../../src/convert/json/record-stream.ts";

const utf8 = new TextDecoder();
const KIND_NAMES = ["null", "boolean", "number", "string", "nested"];

interface Seen {
  line: number;
  cells: Record<string, string | undefined>;
}

/** Reads `text` in chunks of `chunk` bytes; each record as key → "kind:text". */
function read(text: string, lines: boolean, chunk = 1 << 30): { records: Seen[]; shape: string | undefined } {
  const records: Seen[] = [];
  const stream = new RecordStream(lines, {
    record(p: RecordParser, line: number) {
      const cells: Record<string, string> = {};
      for (let k = 0; k < p.keys.count; k++) {
        if (p.stamp[k] !== p.record) continue;
        const buf = p.inScratch[k] === 1 ? p.scratch : p.source;
        cells[p.keys.name(k)] = `${KIND_NAMES[p.kinds[k]!]}:${utf8.decode(buf.subarray(p.starts[k]!, p.ends[k]!))}`;
      }
      records.push({ line, cells });
    },
  });
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += chunk) stream.push(bytes.slice(at, at + chunk));
  stream.end();
  return { records, shape: stream.shape };
}

describe("records, lines and cells", () => {
  const pretty = `[\n  {\n    "a": 1,\n    "s": "x\\ty"\n  },\n\n  {"b": [1, 2], "n": null, "t": true}, {"c": -1.5e3}\n]`;
  const expected: Seen[] = [
    { line: 2, cells: { a: "number:1", s: "string:x\ty" } },
    { line: 7, cells: { b: "nested:[1,2]", n: "null:", t: "boolean:true" } },
    { line: 7, cells: { c: "number:-1.5e3" } },
  ];

  test("a pretty array: each record with the line of its `{`, cells with their kinds and texts", () => {
    expect(read(pretty, false)).toEqual({ records: expected, shape: "array" });
  });

  test("the same at every chunk size", () => {
    for (let chunk = 1; chunk <= pretty.length; chunk++) expect(read(pretty, false, chunk).records).toEqual(expected);
  });

  test("JSON Lines: blank lines count as lines", () => {
    const text = `\n{"a":1}\r\n\r\n  {"a":2}\n\n\n{"a":3}`;
    for (const chunk of [1, 2, 3, 5, 100]) {
      expect(read(text, true, chunk).records.map((r) => r.line)).toEqual([2, 4, 7]);
    }
  });

  test("the kinds staged for each value", () => {
    const { records } = read(`{"n":null,"t":true,"f":false,"i":-12,"d":0.5e-2,"s":"","o":{},"a":[]}`, true);
    expect(records[0]!.cells).toEqual({ n: "null:", t: "boolean:true", f: "boolean:false", i: "number:-12", d: "number:0.5e-2", s: "string:", o: "nested:{}", a: "nested:[]" });
    expect(JsonKind.NESTED).toBe(4);
  });

  test("shapes of .json files", () => {
    expect(read(`{"a":1}\n{"a":2}`, false).shape).toBe("lines");
    expect(read(`{\n"a":1}`, false).shape).toBe("concatenated");
    expect(read(` [ ]`, false).shape).toBe("array");
  });
});

describe("the sample's finishRecord", () => {
  test("completes the record the last chunk cut and reads nothing after it", () => {
    const seen: number[] = [];
    const stream = new RecordStream(true, { record: (p) => void seen.push(p.record) });
    const enc = new TextEncoder();
    stream.push(enc.encode(`{"a":1}\n{"a":`));
    expect(stream.midRecord).toBe(true);
    expect(stream.finishRecord(enc.encode(`2, "b"`))).toBe(false);
    expect(stream.finishRecord(enc.encode(`:3}\n{"a":4}\n{"a":5}\n`))).toBe(true);
    expect(stream.records).toBe(2);
    expect(stream.parser.keys.count).toBe(2);
  });
});
