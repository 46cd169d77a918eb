/**
 * Damaged .xz input: truncation at every offset, every single-bit flip, random corruption, and each
 * structure made wrong on purpose (with its CRC32 fixed, so the check that is meant to fire fires).
 * Always an ArchiveError with the right code; never success with wrong bytes, never a hang.
 */
import { describe, expect, test } from "bun:test";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { mulberry32 } from "../../../support/random.ts";
import { codeOf, concat, csvText, fixCrc32, fixFooterCrc, flipBit, layout, run, xzc, xzDecode, describeEachEngine, engine } from "./xz-test-support.ts";

const enc = new TextEncoder();
const DATA = csvText(3000, 31);
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Decodes; "ok" only if the output is exactly `expected`, "WRONG BYTES" if it differs. */
async function outcome(bytes: Uint8Array, expected: Uint8Array, chunk = 257): Promise<string> {
  try {
    return same(await run(bytes, chunk), expected) ? "ok" : "WRONG BYTES";
  } catch (e) {
    return isArchiveError(e) ? e.code : `not an ArchiveError: ${e}`;
  }
}

describeEachEngine("truncation", () => {
  test("a two-block stream cut at every offset is ARCHIVE_TRUNCATED", async () => {
    const xz = xzc(DATA, "-6", "--block-size=1200");
    const codes = new Set<string>();
    for (let cut = 0; cut < xz.length; cut++) {
      const code = await outcome(xz.subarray(0, cut), DATA);
      if (code !== "ARCHIVE_TRUNCATED") throw new Error(`cut at ${cut} of ${xz.length}: ${code}`);
      codes.add(code);
    }
    expect([...codes]).toEqual(["ARCHIVE_TRUNCATED"]);
  });

  test("two streams with padding: cut inside the second stream is TRUNCATED, inside the padding CORRUPT unless a multiple of 4", async () => {
    const a = xzc(DATA.subarray(0, 1000), "-1");
    const file = concat([a, new Uint8Array(8), a]);
    for (let cut = a.length + 1; cut < file.length; cut++) {
      const pad = cut - a.length;
      const expected = pad <= 8 ? (pad % 4 === 0 ? "ok" : "ARCHIVE_CORRUPT") : "ARCHIVE_TRUNCATED";
      const got = await outcome(file.subarray(0, cut), DATA.subarray(0, 1000));
      if (got !== expected) throw new Error(`cut at ${cut}: ${got}, expected ${expected}`);
    }
  });
});

describeEachEngine("bit flips and random damage", () => {
  test("every single-bit flip of a CRC64 stream fails with an ArchiveError (never wrong bytes)", async () => {
    const xz = xzc(DATA, "-6", "--block-size=1500");
    const seen: Record<string, number> = {};
    for (let bit = 0; bit < xz.length * 8; bit++) {
      const got = await outcome(flipBit(xz, bit), DATA);
      if (got === "ok" || got === "WRONG BYTES" || got.startsWith("not")) throw new Error(`bit ${bit}: ${got}`);
      seen[got] = (seen[got] ?? 0) + 1;
    }
    console.log(`single-bit flips of a ${xz.length}-byte .xz: ${JSON.stringify(seen)}`);
    expect(Object.keys(seen).every((c) => c.startsWith("ARCHIVE_"))).toBe(true);
  }, 120_000);

  test("with check None, LZMA damage may go unnoticed (as in xz), but never hangs or throws anything else", async () => {
    const xz = xzc(DATA, "-6", "--check=none");
    for (let bit = 0; bit < xz.length * 8; bit += 3) {
      const got = await outcome(flipBit(xz, bit), DATA);
      if (got.startsWith("not")) throw new Error(`bit ${bit}: ${got}`);
    }
  }, 120_000);

  test("random byte corruption of a bigger stream: an ArchiveError each time, and xz -dc agrees it is damaged", async () => {
    const data = csvText(200_000, 32);
    const xz = xzc(data, "-6");
    const rnd = mulberry32(Number(process.env.DSP_XZ_SEED ?? 5150));
    for (let i = 0; i < 150; i++) {
      const bad = xz.slice();
      const hits = 1 + Math.floor(rnd() * 4);
      for (let h = 0; h < hits; h++) bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256);
      const got = await outcome(bad, data, 8192);
      if (got === "ok") {
        const native = xzDecode(bad);
        expect(native.ok && same(native.out, data)).toBe(true); // the change was a no-op (same byte written)
        continue;
      }
      expect([i, got.startsWith("ARCHIVE_")]).toEqual([i, true]);
      if (i % 10 === 0) expect(xzDecode(bad).ok).toBe(false);
    }
  }, 120_000);
});

describeEachEngine("structures made wrong on purpose", () => {
  const xz = xzc(DATA, "-6", "--block-size=1000"); // 3 blocks
  const { indexAt, footerAt } = layout(xz);

  test("index: record count, a record's size, padding: ARCHIVE_CORRUPT", async () => {
    expect(xz[indexAt]).toBe(0);
    expect(xz[indexAt + 1]).toBe(3); // three records
    const count = xz.slice();
    count[indexAt + 1] = 2;
    expect(await codeOf(fixCrc32(count, indexAt, footerAt - 4))).toBe("ARCHIVE_CORRUPT");
    const record = xz.slice();
    record[indexAt + 2]! ^= 1; // first record's unpadded size
    expect(await codeOf(fixCrc32(record, indexAt, footerAt - 4))).toBe("ARCHIVE_CORRUPT");
    const crc = xz.slice();
    crc[footerAt - 1]! ^= 0x10;
    expect(await codeOf(crc)).toBe("ARCHIVE_CORRUPT");
  });

  test("footer: backward size, flags different from the header's, magic: ARCHIVE_CORRUPT", async () => {
    const backward = xz.slice();
    backward[footerAt + 4]! += 1;
    expect(await codeOf(fixFooterCrc(backward))).toBe("ARCHIVE_CORRUPT");
    const flags = xz.slice();
    flags[footerAt + 9] = 0x01; // CRC32 instead of the header's CRC64
    const err = await run(fixFooterCrc(flags)).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CORRUPT");
    expect(err.message).toContain("flags differ");
    const magic = xz.slice();
    magic[footerAt + 11] = 0x58;
    expect(await codeOf(magic)).toBe("ARCHIVE_CORRUPT");
  });

  test("a reserved check ID (header and footer agreeing, CRCs right) is ARCHIVE_UNSUPPORTED", async () => {
    for (const id of [0x02, 0x07, 0x0f]) {
      const bad = xz.slice();
      bad[7] = id;
      fixCrc32(bad, 6, 8);
      bad[footerAt + 9] = id;
      fixFooterCrc(bad);
      const err = await run(bad).catch((e) => e);
      expect([id, err.code]).toEqual([id, "ARCHIVE_UNSUPPORTED"]);
      expect(err.message).toContain("reserved check ID");
    }
  });

  test("stored checks that do not match: ARCHIVE_CRC_MISMATCH for CRC32, CRC64, SHA-256", async () => {
    for (const [check, size] of [["crc32", 4], ["crc64", 8], ["sha256", 32]] as const) {
      const file = xzc(DATA, `--check=${check}`);
      const { indexAt: at } = layout(file);
      const bad = file.slice();
      bad[at - size]! ^= 0x01; // first byte of the (only) block's check
      const err = await run(bad).catch((e) => e);
      expect([check, err.code]).toEqual([check, "ARCHIVE_CRC_MISMATCH"]);
    }
  });

  test("sizes declared in a block header that the block does not have: ARCHIVE_SIZE_MISMATCH", async () => {
    const file = xzc(DATA, "-T2", "--block-size=2000"); // threaded xz declares both sizes
    const hsize = (file[12]! + 1) * 4;
    expect(file[13]! & 0xc0).toBe(0xc0);
    let p = 14;
    while (file[p]! & 0x80) p++;
    const uncompressedAt = p + 1; // the uncompressed size follows the compressed size
    for (const [at, what] of [[14, "compressed"], [uncompressedAt, "uncompressed"]] as const) {
      for (const delta of [1, -1]) {
        const bad = file.slice();
        bad[at] = (bad[at]! & 0x80) | ((bad[at]! + delta) & 0x7f);
        fixCrc32(bad, 12, 12 + hsize - 4);
        const err = await run(bad).catch((e) => e);
        expect([what, delta, err.code]).toEqual([what, delta, "ARCHIVE_SIZE_MISMATCH"]);
      }
    }
  });

  test("block header reserved flags are ARCHIVE_UNSUPPORTED; a damaged header CRC is ARCHIVE_CORRUPT", async () => {
    const bad = xz.slice();
    bad[13]! |= 0x04;
    expect(await codeOf(fixCrc32(bad, 12, 12 + (xz[12]! + 1) * 4 - 4))).toBe("ARCHIVE_UNSUPPORTED");
    expect(await codeOf(flipBit(xz, 13 * 8 + 2))).toBe("ARCHIVE_CORRUPT");
  });

  test("not xz at all, and garbage after the last stream, are ARCHIVE_CORRUPT; a second stream cut in its magic is TRUNCATED", async () => {
    expect(await codeOf(enc.encode("id,name\n1,alpha\n2,beta\n"))).toBe("ARCHIVE_CORRUPT");
    const err = await run(concat([xz, enc.encode("trailing junk!!!")])).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CORRUPT");
    expect(err.message).toContain("not an xz stream");
    expect(await codeOf(concat([xz, new Uint8Array([0xfd, 0x37, 0x7a, 0x58])]))).toBe("ARCHIVE_TRUNCATED");
  });

  test("errors carry entry, compressed offset and bytes out", async () => {
    const bad = xz.slice();
    bad[indexAt - 1]! ^= 0x01; // last block's CRC64
    const err = await run(bad, 100, { name: "exports/day.csv.xz" }).catch((e) => e);
    expect(err.code).toBe("ARCHIVE_CRC_MISMATCH");
    expect(err.context.entry).toBe("exports/day.csv.xz");
    expect(err.context.offset).toBe(indexAt);
    expect(err.context.bytesOut).toBe(DATA.length);
    expect(err.message).toContain('"exports/day.csv.xz"');
  });

  test("the source's own failure comes through unchanged, and is not wrapped", async () => {
    const { unxz } = await import("../../../../src/archive/xz/unxz.ts");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield xz.subarray(0, 100);
      throw new Error("disk read failed");
    }
    const err = await (async () => {
      for await (const _ of unxz(failing(), { engine: engine() }));
    })().catch((e) => e);
    expect(err.message).toBe("disk read failed");
    expect(isArchiveError(err)).toBe(false);
  });
});
