/**
 * Zip bombs: a 10 GiB-of-zeros deflate entry (~10 MB compressed) streamed to the end with every
 * limit lifted must keep RSS bounded (the reader holds one input buffer and hands out one output
 * chunk at a time, reused or fresh); with the
 * default limits it is refused before a byte is inflated; a bomb that lies about its size stops at
 * the declared size; the overlapping-kernel bomb is refused by the layout check.
 * No timing assertions: only bytes and memory.
 */
import { describe, expect, test } from "bun:test";
import { deflatedZeros } from "../../../support/archive/zeros-deflate.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { expectArchiveError, listEntries, openBytes } from "./zip-test-support.ts";

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const TEN_GIB = 10 * GiB;
const zeros = deflatedZeros(TEN_GIB);
const bomb = buildZip([{ name: "zeros.bin", compressed: zeros.compressed, crc32: zeros.crc32, uncompressedSize: TEN_GIB }]);

describe("zip bombs", () => {
  // Fresh chunks (the default) are garbage Bun's collector reclaims late, so their bound is looser
  // (measured +70..110 MiB) than with one reused buffer (measured +12 MiB); neither grows with size.
  for (const [reuseBuffers, boundMiB] of [
    [true, 64],
    [false, 256],
  ] as const) {
    test(`10 GiB of zeros streams to the end with RSS growth under ${boundMiB} MiB (${reuseBuffers ? "reused" : "fresh"} chunks, limits lifted)`, async () => {
      expect(bomb.length).toBeLessThan(11 * 1e6);
      const reader = await openBytes(bomb, { reuseBuffers, limits: { maxRatio: Number.POSITIVE_INFINITY } });
      const [e] = await listEntries(reader);
      Bun.gc(true);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let produced = 0;
      let chunks = 0;
      for await (const chunk of reader.open(e!)) {
        produced += chunk.length;
        if ((++chunks & 255) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(produced).toBe(TEN_GIB); // and the CRC-32 matched, or the loop would have thrown
      const growth = (peak - baseline) / MiB;
      console.log(`10 GiB bomb, ${reuseBuffers ? "reused" : "fresh"} chunks: RSS ${Math.round(baseline / MiB)} -> peak ${Math.round(peak / MiB)} MiB (+${growth.toFixed(1)})`);
      expect(growth).toBeLessThan(boundMiB);
    });
  }

  test("with the default limits the same bomb is refused when the archive is opened", async () => {
    const err = await expectArchiveError(openBytes(bomb), "ARCHIVE_LIMIT_RATIO");
    expect(err.message).toContain("above the limit of 100:1");
  });

  test("a bomb that declares 1 MiB stops at 1 MiB, whatever the stream holds", async () => {
    const liar = buildZip([{ name: "liar.bin", compressed: zeros.compressed, crc32: 0, uncompressedSize: MiB }]);
    const reader = await openBytes(liar, { limits: { maxRatio: Number.POSITIVE_INFINITY } });
    const [e] = await listEntries(reader);
    let produced = 0;
    await expectArchiveError(async () => {
      for await (const chunk of reader.open(e!)) produced += chunk.length;
    }, "ZIP_SIZE_MISMATCH");
    expect(produced).toBeLessThanOrEqual(MiB);
    expect(reader.producedTotal).toBeLessThanOrEqual(MiB + 1);
  });

  test("the overlapping-kernel bomb (1,000 records sharing the 10 GiB kernel) is refused before anything is inflated", async () => {
    const kernel = { name: "k", compressed: zeros.compressed, crc32: zeros.crc32, uncompressedSize: TEN_GIB };
    const specs = [kernel, ...Array.from({ length: 1000 }, (_, i) => ({ ...kernel, name: `k${i}`, centralOnly: true, localHeaderOffset: 0 }))];
    const err = await expectArchiveError(
      openBytes(buildZip(specs), { limits: { maxRatio: Number.POSITIVE_INFINITY, maxTotalBytes: Number.POSITIVE_INFINITY } }),
      "ZIP_OVERLAP",
    );
    expect(err.offset).toBe(0);
  });
});
