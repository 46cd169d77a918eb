/**
 * The log reader against damage: truncation at every byte of the last records, zero-filled tails,
 * random bit flips. It never throws, never accepts a damaged record, and tells a torn tail (cut
 * silently) from corruption (valid records after the damage).
 */
import { describe, expect, test } from "bun:test";
import { encodeRecord, scanRecords } from "../../../src/progress/record-format.ts";

function log(n: number, payloadSize = (i: number) => 5 + (i % 23)): { bytes: Uint8Array; ends: number[] } {
  const parts: Uint8Array[] = [];
  const ends: number[] = [];
  let at = 0;
  for (let i = 1; i <= n; i++) {
    const payload = Uint8Array.from({ length: payloadSize(i) }, (_, j) => (i * 31 + j) & 0xff);
    const r = encodeRecord(1 + (i % 5), BigInt(i), payload);
    parts.push(r);
    at += r.length;
    ends.push(at);
  }
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, ends };
}

describe("record format", () => {
  test("records are 8-byte aligned, numbered, and read back with their payloads", () => {
    const { bytes, ends } = log(10);
    expect(ends.every((e) => e % 8 === 0)).toBe(true);
    const r = scanRecords(bytes);
    expect(r.end).toEqual({ kind: "clean" });
    expect(r.records.map((x) => Number(x.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...r.records[3]!.payload]).toEqual(Array.from({ length: 5 + (4 % 23) }, (_, j) => (4 * 31 + j) & 0xff));
  });

  test("type 0 is refused when writing", () => expect(() => encodeRecord(0, 1n, new Uint8Array(1))).toThrow(/1\.\.255/));

  test("truncation at every byte of the last three records is a torn tail at the last whole record", () => {
    const { bytes, ends } = log(12);
    const keepRecords = ends.length - 3;
    for (let cut = ends[keepRecords - 1]!; cut < bytes.length; cut++) {
      const r = scanRecords(bytes.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length;
      expect(r.records.length).toBe(whole);
      if (cut === ends[whole - 1]) expect(r.end.kind).toBe("clean");
      else expect(r.end).toMatchObject({ kind: "torn-tail", offset: ends[whole - 1] });
    }
  });

  test("a zero-filled tail (space allocated, data never written) is a torn tail", () => {
    const { bytes, ends } = log(5);
    for (const zeros of [1, 8, 19, 20, 64, 4096]) {
      const padded = new Uint8Array(bytes.length + zeros);
      padded.set(bytes);
      const r = scanRecords(padded);
      expect(r.records.length).toBe(5);
      expect(r.end).toMatchObject({ kind: "torn-tail", offset: ends[4] });
    }
  });

  test("a record overwritten with zeros in the middle is corruption, not a tail", () => {
    const { bytes, ends } = log(8);
    const damaged = bytes.slice();
    damaged.fill(0, ends[2]!, ends[3]!);
    const r = scanRecords(damaged);
    expect(r.records.length).toBe(3);
    expect(r.end).toMatchObject({ kind: "corrupt", offset: ends[2] });
  });

  test("every single-bit flip is detected; in the last record it is a torn tail, elsewhere corruption", () => {
    const { bytes, ends } = log(6);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      const byte = bit >> 3;
      const record = ends.findIndex((e) => byte < e);
      const r = scanRecords(damaged);
      // Never accepts the damaged record: stops at it.
      expect(r.records.length).toBe(record);
      if (record === ends.length - 1) expect(r.end.kind).toBe("torn-tail");
      else expect(r.end.kind).toBe("corrupt");
    }
  });

  test("random damage never throws and never yields a record that was not written", () => {
    const { bytes } = log(40, (i) => (i * 7) % 200);
    const written = new Set(scanRecords(bytes).records.map((r) => `${r.seq}:${[...r.payload].join(",")}`));
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 2000; round++) {
      const damaged = bytes.slice(0, Math.floor(rnd() * (bytes.length + 1)));
      for (let k = Math.floor(rnd() * 4); k > 0; k--) damaged[Math.floor(rnd() * damaged.length)] = Math.floor(rnd() * 256);
      const r = scanRecords(damaged);
      for (const rec of r.records) expect(written.has(`${rec.seq}:${[...rec.payload].join(",")}`)).toBe(true);
    }
  });
});
