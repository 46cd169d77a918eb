/**
 * The LZMA / LZMA2 core as 7z will use it (LzmaDecoder, Lzma2Decoder: buffers in, buffers out),
 * fed by xz --format=raw / --format=lzma and by symbol sequences written by hand (lzma-craft.ts)
 * to reach every corruption check: a distance before the first byte or past the dictionary, an end
 * marker inside LZMA2, a bad control byte, a range coder not starting with 0, a chunk whose data
 * and sizes disagree.
 */
import { describe, expect, test } from "bun:test";
import { crc64 } from "../../../../src/archive/xz/crc64.ts";
import { LzmaDecoder } from "../../../../src/archive/xz/lzma-decoder.ts";
import { parsePropsByte } from "../../../../src/archive/xz/lzma-state.ts";
import { Lzma2Decoder } from "../../../../src/archive/xz/lzma2-decoder.ts";
import { mulberry32 } from "../../../support/random.ts";
import { decodeBit, RangeDecoder } from "../../../../src/archive/xz/range-decoder.ts";
import { LzmaWriter, lzma2Chunk, RangeEncoder } from "./lzma-craft.ts";
import { codeOf, concat, csvText, randomBytes, run, xzCli, xzContainer } from "./xz-test-support.ts";

const TEXT = csvText(200_000, 41);
const same = (a: Uint8Array, b: Uint8Array | number[]) => Buffer.from(a).equals(Buffer.from(b));
const codeOfSync = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

/** Runs an Lzma2Decoder over `raw` with input and output handed over in random slices. */
function lzma2All(raw: Uint8Array, dictSize = 1 << 20, seed = 0): { out: Uint8Array; dec: Lzma2Decoder } {
  const rnd = mulberry32(seed);
  const dec = new Lzma2Decoder(dictSize);
  const parts: Uint8Array[] = [];
  let inPos = 0;
  for (let guard = 0; !dec.finished; guard++) {
    if (guard > 10_000_000) throw new Error("no progress");
    const inEnd = seed ? Math.min(raw.length, inPos + 1 + Math.floor(rnd() * 3000)) : raw.length;
    const out = new Uint8Array(seed ? 1 + Math.floor(rnd() * 5000) : 1 << 16);
    dec.decode(raw, inPos, inEnd, out, 0, out.length);
    if (dec.inPos === inPos && dec.outPos === 0 && inEnd === raw.length && !dec.finished) throw new Error("input ended before the stream did");
    inPos = dec.inPos;
    parts.push(out.subarray(0, dec.outPos));
  }
  return { out: concat(parts), dec };
}

/** Runs an LzmaDecoder over `input` in slices; throws what the decoder throws. */
function lzmaAll(dec: LzmaDecoder, input: Uint8Array, inStep = input.length, outStep = 1 << 16): Uint8Array {
  const parts: Uint8Array[] = [];
  let inPos = 0;
  while (!dec.finished) {
    const inEnd = Math.min(input.length, inPos + inStep);
    const out = new Uint8Array(outStep);
    dec.decode(input, inPos, inEnd, out, 0, out.length, inEnd === input.length);
    inPos = dec.inPos;
    parts.push(out.subarray(0, dec.outPos));
  }
  return concat(parts);
}

describe("Lzma2Decoder", () => {
  test("raw LZMA2 from xz, with input and output in random slices, and nothing consumed after the end byte", () => {
    for (const opts of ["preset=6", "preset=0", "preset=6,dict=4KiB", "preset=1,lc=0,lp=2,pb=0"]) {
      const data = concat([TEXT, randomBytes(70_000, 1), TEXT.subarray(0, 50_000)]);
      const raw = xzCli(["-c", "--format=raw", `--lzma2=${opts}`], data);
      const dict = opts.includes("4KiB") ? 4096 : 8 << 20;
      expect([opts, same(lzma2All(raw, dict, 7).out, data)]).toEqual([opts, true]);
      const { dec } = lzma2All(concat([raw, new Uint8Array([1, 2, 3])]), dict);
      expect(dec.inPos).toBe(raw.length);
    }
  });

  test("dictionary sizes from the properties byte: 2^n and 3 × 2^(n-1), 40 = 4 GiB - 1, above is corrupt", () => {
    expect([0, 1, 2, 18, 19, 39, 40].map((b) => Lzma2Decoder.dictSizeFromProps(b))).toEqual([4096, 6144, 8192, 2 ** 21, 3 * 2 ** 20, 3 * 2 ** 30, 0xffffffff]);
    expect(codeOfSync(() => Lzma2Decoder.dictSizeFromProps(41))).toBe("ARCHIVE_CORRUPT");
    expect(codeOfSync(() => Lzma2Decoder.dictSizeFromProps(0x40))).toBe("ARCHIVE_UNSUPPORTED");
  });

  test("a hand-written chunk decodes (literals, matched literals, matches, short reps)", () => {
    const w = new LzmaWriter().text("abcabcabc-").match(10, 10).text("x").shortRep().match(3, 40).text("end");
    const raw = concat([lzma2Chunk(w, w.finish()), new Uint8Array([0])]);
    expect(same(lzma2All(raw).out, w.out)).toBe(true);
  });

  const chunkOf = (w: LzmaWriter, unpacked?: number) => concat([lzma2Chunk(w, w.finish(), unpacked), new Uint8Array([0])]);
  const corrupt = (raw: Uint8Array, dict = 1 << 20) => codeOfSync(() => lzma2All(raw, dict));

  test("a match before any data, or a short rep at the start: ARCHIVE_CORRUPT", () => {
    expect(corrupt(chunkOf(new LzmaWriter().match(1, 2)))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(chunkOf(new LzmaWriter().text("ab").match(3, 2)))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(chunkOf(new LzmaWriter().shortRep()))).toBe("ARCHIVE_CORRUPT");
  });

  test("a distance past the dictionary (the window has wrapped): ARCHIVE_CORRUPT", () => {
    const bytes = randomBytes(5000, 2);
    const ok = new LzmaWriter();
    for (const b of bytes) ok.literal(b);
    ok.match(4096, 5);
    expect(same(lzma2All(chunkOf(ok), 4096).out, ok.out)).toBe(true);
    const far = new LzmaWriter();
    for (const b of bytes) far.literal(b);
    far.match(4500, 5);
    expect(corrupt(chunkOf(far), 4096)).toBe("ARCHIVE_CORRUPT");
  });

  test("an end marker inside LZMA2, a match past its chunk, sizes that disagree with the data: ARCHIVE_CORRUPT", () => {
    expect(corrupt(chunkOf(new LzmaWriter().text("hello").endMarker(), 5))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(chunkOf(new LzmaWriter().text("abc").match(3, 10), 8))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(chunkOf(new LzmaWriter().text("hello"), 50_000))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(chunkOf(new LzmaWriter().text("hello"), 3))).toBe("ARCHIVE_CORRUPT");
    const w = new LzmaWriter().text("hello");
    const extra = concat([lzma2Chunk(w, concat([w.finish(), new Uint8Array(4)])), new Uint8Array([0])]);
    expect(corrupt(extra)).toBe("ARCHIVE_CORRUPT");
  });

  test("bad control bytes, missing resets, a range coder not starting with 0, a packed size below 5: ARCHIVE_CORRUPT", () => {
    const good = new LzmaWriter().text("hello");
    const packed = good.finish();
    expect(corrupt(new Uint8Array([0x03]))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(new Uint8Array([0x7f]))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(concat([lzma2Chunk(good, packed, 5, 0x80), new Uint8Array([0])]))).toBe("ARCHIVE_CORRUPT"); // first chunk keeps the dictionary
    expect(corrupt(new Uint8Array([0x02, 0x00, 0x00, 0x41, 0x00]))).toBe("ARCHIVE_CORRUPT"); // uncompressed, no reset, first
    expect(corrupt(concat([new Uint8Array([0x01, 0x00, 0x00, 0x41]), lzma2Chunk(good, packed, 5, 0xa0), new Uint8Array([0])]))).toBe("ARCHIVE_CORRUPT"); // no properties after a reset
    const badInit = packed.slice();
    badInit[0] = 1;
    expect(corrupt(concat([lzma2Chunk(good, badInit), new Uint8Array([0])]))).toBe("ARCHIVE_CORRUPT");
    expect(corrupt(new Uint8Array([0xe0, 0x00, 0x04, 0x00, 0x03, 0x5d, 0, 0, 0, 0, 0]))).toBe("ARCHIVE_CORRUPT");
    // and the good chunk itself, with an uncompressed chunk after it
    const ok = concat([lzma2Chunk(good, packed), new Uint8Array([0x02, 0x00, 0x01, 0x21, 0x21, 0x00])]);
    expect(new TextDecoder().decode(lzma2All(ok).out)).toBe("hello!!");
  });

  test("through unxz: crafted damage is ARCHIVE_CORRUPT with context; the crafted container itself is valid", async () => {
    const w = new LzmaWriter().text("id,name\n").match(8, 8);
    expect(new TextDecoder().decode(await run(xzContainer(chunkOf(w), w.out.length)))).toBe("id,name\nid,name\n");
    const bad = new LzmaWriter().text("x").match(5, 3);
    const err = await run(xzContainer(chunkOf(bad), bad.out.length), 1000, { name: "crafted.xz" }).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CORRUPT");
    expect(err.context).toMatchObject({ entry: "crafted.xz", distance: 5, available: 1 });
    expect(await codeOf(xzContainer(chunkOf(new LzmaWriter().text("abc").endMarker(), 3), 3))).toBe("ARCHIVE_CORRUPT");
  });
});

describe("LzmaDecoder (LZMA1, as in 7z and .lzma)", () => {
  /** The LZMA stream of an .lzma file made by xz, with its header fields. */
  function lzmaAlone(data: Uint8Array, args: string[] = []) {
    const file = xzCli(["-c", "--format=lzma", ...args], data);
    const view = new DataView(file.buffer, file.byteOffset);
    return { props: parsePropsByte(file[0]!), dictSize: view.getUint32(1, true), stream: file.subarray(13) };
  }

  test("decodes xz's LZMA1 output (end marker, size unknown) with 1-byte, odd and whole-buffer steps", () => {
    const { props, dictSize, stream } = lzmaAlone(TEXT.subarray(0, 30_000));
    for (const [inStep, outStep] of [[1, 1], [7, 1000], [stream.length, 1 << 20]] as const) {
      const dec = new LzmaDecoder(props, dictSize);
      expect([inStep, same(lzmaAll(dec, stream, inStep, outStep), TEXT.subarray(0, 30_000))]).toEqual([inStep, true]);
      expect(dec.unusedInput).toBe(0);
    }
  });

  test("a known size followed by the end marker: the marker is consumed; a marker before the size is ARCHIVE_CORRUPT", () => {
    const { props, dictSize, stream } = lzmaAlone(TEXT.subarray(0, 5000));
    expect(same(lzmaAll(new LzmaDecoder(props, dictSize, { outSize: 5000 }), stream, 100), TEXT.subarray(0, 5000))).toBe(true);
    expect(codeOfSync(() => lzmaAll(new LzmaDecoder(props, dictSize, { outSize: 6000 }), stream))).toBe("ARCHIVE_CORRUPT");
    expect(codeOfSync(() => lzmaAll(new LzmaDecoder(props, dictSize, { outSize: 4000 }), stream))).toBe("ARCHIVE_CORRUPT");
  });

  test("a known size and no end marker (as 7-Zip writes): ends cleanly at the size", () => {
    const w = new LzmaWriter(3, 0, 2).text("7z streams know their size; ").match(10, 9).text("the end");
    const packed = w.finish();
    const dec = new LzmaDecoder({ lc: 3, lp: 0, pb: 2 }, 1 << 16, { outSize: w.out.length });
    expect(same(lzmaAll(dec, packed, 3, 5), w.out)).toBe(true);
    expect(codeOfSync(() => lzmaAll(new LzmaDecoder({ lc: 3, lp: 0, pb: 2 }, 1 << 16, { outSize: w.out.length - 1 }), packed))).toBe("ARCHIVE_CORRUPT");
  });

  test("every class of distance (the slot itself, reverse trees, direct bits + align), short and long matches", () => {
    // The distance bits are decoded inside the symbol loop (lzma-symbols.ts): slots 0-3 are the
    // distance, 4-13 add a reverse tree of their own, 14 and up direct bits and the ALIGN tree.
    const w = new LzmaWriter(3, 0, 2);
    for (const b of randomBytes(100_000, 17)) w.literal(b);
    const distances = [1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 31, 32, 48, 64, 96, 127, 128, 191, 256, 300, 511, 512, 767];
    for (let k = 10; k <= 16; k++) distances.push(2 ** k, 2 ** k + 2 ** (k - 1) + 1, 2 ** k + 12345 % 2 ** (k - 1));
    for (const [i, d] of distances.entries()) w.match(d, 2 + ((i * 37) % 272)).literal(i & 0xff);
    const packed = w.endMarker().finish();
    expect(distances.length).toBeGreaterThan(40);
    for (const [inStep, outStep] of [[packed.length, 1 << 20], [5, 333]] as const) {
      const dec = new LzmaDecoder({ lc: 3, lp: 0, pb: 2 }, 1 << 17);
      expect([inStep, same(lzmaAll(dec, packed, inStep, outStep), w.out.slice(0, -2))]).toEqual([inStep, true]);
    }
  });

  test("lc up to 8 (7-Zip allows more than xz's lc + lp ≤ 4)", () => {
    const w = new LzmaWriter(8, 0, 0).text("literal contexts from the whole previous byte, ").match(20, 12).endMarker();
    const dec = new LzmaDecoder({ lc: 8, lp: 0, pb: 0 }, 4096);
    expect(same(lzmaAll(dec, w.finish(), 11, 13), w.out.slice(0, -2))).toBe(true);
  });

  test("truncated input is ARCHIVE_TRUNCATED; a first byte that is not 0 is ARCHIVE_CORRUPT; bad properties are refused", () => {
    const { props, dictSize, stream } = lzmaAlone(TEXT.subarray(0, 5000));
    for (const cut of [0, 3, 5, 100, stream.length - 1]) {
      expect([cut, codeOfSync(() => lzmaAll(new LzmaDecoder(props, dictSize), stream.subarray(0, cut)))]).toEqual([cut, "ARCHIVE_TRUNCATED"]);
    }
    const bad = stream.slice();
    bad[0] = 0x80;
    expect(codeOfSync(() => lzmaAll(new LzmaDecoder(props, dictSize), bad))).toBe("ARCHIVE_CORRUPT");
    expect(codeOfSync(() => new LzmaDecoder({ lc: 9, lp: 0, pb: 0 }, 4096))).toBe("ARCHIVE_CORRUPT");
    expect(codeOfSync(() => new LzmaDecoder({ lc: 3, lp: 5, pb: 0 }, 4096))).toBe("ARCHIVE_CORRUPT");
  });
});

test("CRC-64 (ECMA-182, as xz): the standard check value and incremental updates", () => {
  expect(crc64(new TextEncoder().encode("123456789")).hex()).toBe("995dc9bbdf1939fa");
  const data = randomBytes(100_003, 9);
  const whole = crc64(data).hex();
  const { Crc64 } = require("../../../../src/archive/xz/crc64.ts") as typeof import("../../../../src/archive/xz/crc64.ts");
  const parts = new Crc64();
  for (let i = 0; i < data.length; i += 977) parts.update(data.subarray(i, i + 977));
  expect(parts.hex()).toBe(whole);
});

test("range coder: decodeBit (out of line, for BCJ2) reads back what the test encoder wrote, to the last byte", () => {
  const rnd = mulberry32(77);
  const bits = Array.from({ length: 20_000 }, () => (rnd() < 0.8 ? 0 : 1));
  const where = bits.map(() => Math.floor(rnd() * 16));
  const enc = new RangeEncoder();
  const encProbs = new Uint16Array(16).fill(1024);
  bits.forEach((b, i) => enc.bit(encProbs, where[i]!, b));
  const bytes = enc.finish();
  const rc = new RangeDecoder();
  const cursor = { pos: rc.init(bytes, 0) };
  const decProbs = new Uint16Array(16).fill(1024);
  expect(bits.map((_, i) => decodeBit(rc, decProbs, where[i]!, bytes, cursor))).toEqual(bits);
  expect(cursor.pos).toBe(bytes.length);
  expect(rc.finished).toBe(true);
});
