/**
 * A consumer that recycles every chunk it is given (as `dsp run`'s uploader and `dsp inspect` do,
 * src/util/chunk-pool.ts) gets every byte right, whatever stands between it and the decoder: the
 * tar reader's views, the walker's peek at each file's head, nested streams inside tar and ZIP
 * entries, 7-Zip's frames. The consumer here is hostile on purpose: it overwrites all the memory of
 * each chunk the pool took back at once (the producer would only when pulled again), so a stage that
 * still read a recycled chunk would see garbage, and the file's digest would be wrong.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HEAD_BYTES } from "../../../../src/archive/detect.ts";
import { LimitTracker } from "../../../../src/archive/limits.ts";
import { walkArchive } from "../../../../src/archive/walk/archive-walker.ts";
import { recycleChunk } from "../../../../src/util/chunk-pool.ts";
import { archiveTree, compressFile, writeTree, type CliFormat } from "../../../support/archive/cli-archives.ts";
import { csvText, randomBytes, sha256, XZ_ENGINES } from "../xz/xz-test-support.ts";

const dir = mkdtempSync(join(tmpdir(), "dsp-recycling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const big = csvText(1_300_000, 3); // four full 256 KiB output chunks and a part
const odd = randomBytes(300_001, 5); // ends inside a chunk; incompressible
const nestedXz = csvText(600_000, 4);
const nestedBz2 = csvText(400_000, 6);

/** The tree inside every archive, with the files its walk must yield (nested streams decompressed). */
const tree = join(dir, "tree");
writeTree(tree, { "big.csv": big, "small/a.txt": "ten bytes!", "odd.bin": odd });
compressFile("xz", nestedXz, join(tree, "nested/x.csv.xz"));
compressFile("bzip2", nestedBz2, join(tree, "nested/y.csv.bz2"));
const expected: Record<string, string> = {
  "big.csv": sha256(big),
  "small/a.txt": sha256(new TextEncoder().encode("ten bytes!")),
  "odd.bin": sha256(odd),
  "nested/x.csv": sha256(nestedXz),
  "nested/y.csv": sha256(nestedBz2),
};

interface Walked {
  digests: Record<string, string>;
  recycled: number;
}

/** Walks `path`, hashing each chunk and then recycling it and scribbling over it if the pool took it back. */
async function walkRecycling(path: string, name: string, xz: (typeof XZ_ENGINES)[number]): Promise<Walked> {
  const size = readFileSync(path).length;
  const handle = await open(path);
  const digests: Record<string, string> = {};
  let recycled = 0;
  try {
    const head = new Uint8Array(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const files = walkArchive({ handle, path, size, name }, head, { limits: new LimitTracker(name, {}), maxNestedBytes: 1 << 24, keyPrefix: "", xz });
    for await (const f of files) {
      const hasher = new Bun.CryptoHasher("sha256");
      for await (const chunk of f.data) {
        hasher.update(chunk);
        if (recycleChunk(chunk)) {
          recycled++;
          new Uint8Array(chunk.buffer).fill(0xee); // all the memory the producer may now reuse, at once
        }
      }
      digests[f.path] = hasher.digest("hex");
    }
  } finally {
    await handle.close();
  }
  return { digests, recycled };
}

/** The expected digests under the archive's folder. */
function under(folder: string): Record<string, string> {
  return Object.fromEntries(Object.entries(expected).map(([rel, digest]) => [`${folder}/${rel}`, digest]));
}

for (const xz of XZ_ENGINES) {
  describe(`a recycling consumer gets every byte right [xz: ${xz.name}]`, () => {
    for (const format of ["tar.xz", "tar.bz2", "zip", "7z"] as const satisfies readonly CliFormat[]) {
      test(format, async () => {
        const out = join(dir, xz.name, `bundle.${format}`);
        mkdirSync(join(dir, xz.name), { recursive: true });
        archiveTree(tree, format, out);
        const { digests, recycled } = await walkRecycling(out, `bundle.${format}`, xz);
        expect(digests).toEqual(under("bundle"));
        expect(recycled).toBeGreaterThan(0); // the pools were in play, not just fresh buffers
      });
    }

    for (const tool of ["xz", "bzip2"] as const) {
      test(`a single .${tool === "xz" ? "xz" : "bz2"} file`, async () => {
        const name = `big.csv.${tool === "xz" ? "xz" : "bz2"}`;
        const out = join(dir, xz.name, name);
        compressFile(tool, big, out);
        const { digests, recycled } = await walkRecycling(out, name, xz);
        expect(digests).toEqual({ "big.csv": sha256(big) });
        expect(recycled).toBe(Math.floor(big.length / (256 * 1024))); // every full 256 KiB chunk; the last, partial one is a view
      });
    }
  });
}
