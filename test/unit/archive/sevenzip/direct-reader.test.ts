/**
 * The direct 7z reader (src/archive/sevenzip/direct/) against 7-Zip itself: for archives made by
 * the real 7zz in every variant the direct reader takes (LZMA2, LZMA, Copy; solid or not; headers
 * compressed or plain; empty files, directories, links, Unicode names, many files, from a file or
 * from memory), openSevenZip with liblzma must list the same entries and give the same bytes as
 * 7-Zip's WASM reader, the oracle. Archives it does not take (other coders, filters, encryption,
 * anti-items) must go to 7-Zip unchanged. Damaged archives must fail with an archive error
 * wherever 7-Zip fails, never hang, and never hand out bytes 7-Zip would not.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { openDirect } from "../../../../src/archive/sevenzip/direct/direct-reader.ts";
import type { SevenZipSource } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { loadLiblzma, type Liblzma } from "../../../../src/archive/xz/liblzma.ts";
import { csvText, randomBytes, sha256 } from "../xz/xz-test-support.ts";
import { collect, make7z, tempDir, writeTree } from "./sevenzip-support.ts";

const loaded = loadLiblzma();
if (loaded instanceof Error) throw new Error(`the direct 7z reader's tests need the system's liblzma: ${loaded.message}`);
const lib: Liblzma = loaded;

const tmp = tempDir("dsp-7z-direct-");
afterAll(() => tmp.remove());

const tree = join(tmp.dir, "tree");
writeTree(tree, {
  "big.csv": csvText(900_000, 11),
  "noise.bin": randomBytes(300_000, 12),
  "sub/deep/a.txt": "alpha\n",
  "sub/zero.txt": "",
  "empty-dir/": "",
  "ünï/ж€.txt": "unicode name\n",
});
symlinkSync("big.csv", join(tree, "link-to-big"));
const many = join(tmp.dir, "many");
writeTree(many, Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`d${i % 7}/f${i}.txt`, `file ${i}\n`.repeat(i % 13)])));

interface Outcome {
  entries: string[];
  files: Record<string, string>;
  error?: string;
}

/** Everything a reader gives, or its error's code; `direct` passes liblzma. */
async function outcome(source: SevenZipSource, direct: boolean): Promise<Outcome> {
  try {
    const c = await collect(source, "7z", direct ? { liblzma: lib } : {});
    return {
      entries: c.entries.map((e) => `${e.path} ${e.kind} ${e.size}`),
      files: Object.fromEntries([...c.files].map(([p, b]) => [p, sha256(b)])),
    };
  } catch (err) {
    if (!isArchiveError(err)) throw err;
    return { entries: [], files: {}, error: err.code };
  }
}

async function takenDirectly(source: string | Uint8Array): Promise<boolean> {
  const bytes = typeof source === "string" ? readFileSync(source) : source;
  const readAt = async (at: number, n: number) => bytes.subarray(at, Math.min(at + n, bytes.length));
  return (await openDirect(readAt, bytes.length, "t.7z", lib, 100_000)) !== undefined;
}

const TAKEN: Record<string, string[]> = {
  "LZMA2, solid (7-Zip's default)": [],
  "LZMA2, not solid": ["-ms=off"],
  "LZMA2, plain header": ["-mhc=off"],
  "LZMA2, fastest": ["-mx=1"],
  "LZMA2, several threads and blocks": ["-mmt=2", "-ms=100k"],
  LZMA: ["-m0=LZMA"],
  "LZMA, lc4 lp0 pb0": ["-m0=LZMA:lc=4:lp=0:pb=0"],
  Copy: ["-m0=Copy"],
  "Copy, plain header": ["-m0=Copy", "-mhc=off"],
};

describe("the direct 7z reader gives what 7-Zip gives", () => {
  for (const [label, switches] of Object.entries(TAKEN)) {
    test(label, async () => {
      const path = make7z(tree, join(tmp.dir, `${label.replace(/\W+/g, "-")}.7z`), ["."], ["-snl", ...switches]);
      expect(await takenDirectly(path)).toBe(true);
      const direct = await outcome({ path }, true);
      expect(direct.error).toBeUndefined();
      expect(direct).toEqual(await outcome({ path }, false));
      expect(Object.keys(direct.files)).toContain("ünï/ж€.txt");
      expect(direct.entries).toContain("link-to-big symlink 7");
    });
  }

  test("500 files in folders, and from memory (a nested 7z)", async () => {
    const path = make7z(many, join(tmp.dir, "many.7z"), ["."]);
    const bytes = new Uint8Array(readFileSync(path));
    const direct = await outcome({ bytes }, true);
    expect(Object.keys(direct.files)).toHaveLength(500);
    expect(direct).toEqual(await outcome({ path }, false));
  });
});

describe("archives the direct reader does not take go to 7-Zip", () => {
  const OTHERS: Record<string, string[]> = {
    PPMd: ["-m0=PPMd"],
    BZip2: ["-m0=BZip2"],
    "a BCJ filter": ["-mf=BCJ"],
    "encrypted data": ["-pSecret1"],
    "encrypted headers": ["-pSecret1", "-mhe=on"],
    "LZMA with lc=8 (liblzma takes lc + lp up to 4)": ["-m0=LZMA:lc=8"],
  };
  for (const [label, switches] of Object.entries(OTHERS)) {
    test(label, async () => {
      const path = make7z(tree, join(tmp.dir, `other-${label.replace(/\W+/g, "-")}.7z`), ["big.csv", "sub"], switches);
      expect(await takenDirectly(path)).toBe(false);
      expect(await outcome({ path }, true)).toEqual(await outcome({ path }, false));
    });
  }
});

describe("damaged archives", () => {
  // Bit flips across the whole file, header included: the direct reader fails (or falls back to
  // 7-Zip) wherever 7-Zip fails, and never gives different bytes.
  for (const switches of [[], ["-m0=LZMA"], ["-ms=off", "-mhc=off"]]) {
    test(`bit flips everywhere (${switches.join(" ") || "LZMA2 solid"})`, async () => {
      const path = make7z(tree, join(tmp.dir, `damage-${switches.join("")}.7z`), ["big.csv", "noise.bin", "sub"], switches);
      const good = new Uint8Array(readFileSync(path));
      let caught = 0;
      let caughtDirectly = 0; // damage in the data: the direct reader's own checks found it
      const positions = 24;
      for (let i = 0; i < positions; i++) {
        const bytes = good.slice();
        const at = 32 + Math.floor(((bytes.length - 33) * (i + 0.5)) / positions);
        bytes[at]! ^= 1 << (i % 8);
        const direct = await outcome({ bytes }, true);
        const oracle = await outcome({ bytes }, false);
        if (direct.error !== undefined && (await takenDirectly(bytes))) caughtDirectly++;
        if (oracle.error !== undefined) {
          expect({ at, failed: direct.error !== undefined }).toEqual({ at, failed: true });
          caught++;
        } else if (direct.error === undefined) expect(direct).toEqual(oracle);
        else caught++; // the direct reader is stricter here (a CRC 7-Zip does not check): no bytes were wrong
      }
      expect(caught).toBeGreaterThan(positions / 2);
      expect(caughtDirectly).toBeGreaterThan(0);
    });
  }
});

describe("hostile headers (CRCs fixed up, as an attacker would)", () => {
  test("random changes to a plain header never crash, hang or read outside the file; where 7-Zip reads the result, the bytes agree", async () => {
    const path = make7z(tree, join(tmp.dir, "fuzz.7z"), ["big.csv", "noise.bin", "sub"], ["-mhc=off", "-ms=off"]);
    const good = new Uint8Array(readFileSync(path));
    const view = new DataView(good.buffer);
    const headerAt = 32 + view.getUint32(12, true);
    const headerLength = view.getUint32(20, true);
    let seed = 4242;
    const rnd = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
    let parsed = 0;
    for (let i = 0; i < 120; i++) {
      const bytes = good.slice();
      for (let k = 1 + rnd(3); k > 0; k--) bytes[headerAt + rnd(headerLength)] = rnd(4) === 0 ? 0xff : rnd(256);
      const v = new DataView(bytes.buffer);
      v.setUint32(28, crc32(bytes.subarray(headerAt, headerAt + headerLength)) >>> 0, true);
      v.setUint32(8, crc32(bytes.subarray(12, 32)) >>> 0, true);
      if (await takenDirectly(bytes)) parsed++;
      const direct = await outcome({ bytes }, true);
      if (direct.error !== undefined) continue;
      const oracle = await outcome({ bytes }, false);
      if (oracle.error === undefined) expect(direct).toEqual(oracle);
    }
    expect(parsed).toBeGreaterThan(10); // the parser itself met the hostile headers, not only the CRC check
  });
});
