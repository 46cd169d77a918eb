/**
 * Bounded memory: ~120 MB of XML, generated chunk by chunk and never held whole, goes through the
 * converter into a discarding sink; after the warm-up (the sample, the first row groups), RSS after
 * a GC must not grow by more than 96 MiB, although the input is 120 MB and one record in the
 * middle is 15 MiB (just under the record limit): the tree's buffers are released after it.
 * Retaining the input, the records or the row groups would add far more than that.
 */
import { expect, test } from "bun:test";
import { convertXml } from "../../../../src/convert/xml/xml-to-parquet.ts";

const MiB = 1024 * 1024;
const TOTAL = 120 * 1000 * 1000;

function rssAfterGc(): number {
  Bun.gc(true);
  return process.memoryUsage().rss;
}

test("RSS stays bounded over 120 MB of records, one of them 15 MiB", async () => {
  const enc = new TextEncoder();
  const samples: number[] = [];
  let produced = 0;
  let id = 0;
  let bigDone = false;
  async function* source(): AsyncGenerator<Uint8Array> {
    yield enc.encode("<export>\n");
    let chunkNo = 0;
    while (produced < TOTAL) {
      let s = "";
      while (s.length < MiB) {
        id++;
        s += `<row><id>${id}</id><amount>${(id % 9973) / 100}</amount><name>name ${id % 1000}</name><at>2024-01-0${1 + (id % 9)}T10:00:00Z</at><ok>${id % 2 === 0}</ok></row>\n`;
      }
      if (!bigDone && produced > TOTAL / 2) {
        bigDone = true;
        s += `<row><id>0</id><name>${"x".repeat(1024)}</name>${`<note>${"y".repeat(1000)}</note>`.repeat(15 * 1024)}</row>\n`;
      }
      const bytes = enc.encode(s);
      produced += bytes.length;
      yield bytes;
      if (++chunkNo % 10 === 0) samples.push(rssAfterGc());
    }
    yield enc.encode("</export>\n");
  }
  let written = 0;
  const r = await convertXml(source(), async (c) => void (written += c.length), {
    name: "big.xml",
    compression: "ZSTD",
    rowGroupBytes: 16 * MiB,
    keyValueMetadata: {},
    // The big record makes `note` a JSON column; give it up front so there is no restart.
    typeOverrides: new Map([["note", "JSON"]]),
  });
  expect(r.rows).toBe(id + 1);
  expect(written).toBeGreaterThan(0);
  const warm = samples.slice(3); // after ~30 MB: sample, first row groups, buffers at their size
  const growth = Math.max(...warm) - warm[0]!;
  expect(growth).toBeLessThan(96 * MiB);
});
