/** Each limit throws its code with the numbers and the configuration key; below it, nothing happens. */
import { describe, expect, test } from "bun:test";
import { ArchiveError } from "../../../src/archive/archive-error.ts";
import { DEFAULT_ARCHIVE_LIMITS, LimitTracker } from "../../../src/archive/limits.ts";

function thrown(fn: () => void): ArchiveError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ArchiveError);
    return err as ArchiveError;
  }
  throw new Error("expected a throw");
}

test("defaults are the documented ones", () => {
  expect(DEFAULT_ARCHIVE_LIMITS).toEqual({
    maxDepth: 5,
    maxEntries: 10_000,
    maxTotalBytes: 128 * 2 ** 30,
    maxRatio: 100,
    ratioFloorBytes: 10 * 2 ** 20,
    maxDictionaryBytes: 128 * 2 ** 20,
  });
  expect(new LimitTracker("f").limits.maxDepth).toBe(5);
  expect(new LimitTracker("f", { maxDepth: 2 }).limits).toMatchObject({ maxDepth: 2, maxEntries: 10_000 });
});

describe("depth", () => {
  test("the sixth level throws, naming the chain and DSP_ARCHIVE_MAX_DEPTH", () => {
    const t = new LimitTracker("in/top.zip");
    t.enter("zip", "in/top.zip");
    for (let i = 2; i <= 5; i++) t.enter("zip", `l${i}.zip`);
    expect(t.depth).toBe(5);
    const err = thrown(() => t.enter("zip", "l6.zip"));
    expect(err.code).toBe("ARCHIVE_LIMIT_DEPTH");
    expect(err.message).toBe('"l6.zip" would be archive level 6 in in/top.zip > l2.zip > l3.zip > l4.zip > l5.zip; DSP_ARCHIVE_MAX_DEPTH allows 5');
    expect(err.context).toMatchObject({ entry: "l6.zip", depth: 6, allowed: 5, limit: "DSP_ARCHIVE_MAX_DEPTH" });
  });

  test("a tar right inside gzip/bzip2/xz/lzma is the same level; gzip in gzip is not", () => {
    const t = new LimitTracker("a.tar.gz", { maxDepth: 2 });
    t.enter("gzip", "a.tar.gz");
    t.enter("tar", "a.tar");
    expect(t.depth).toBe(1);
    t.enter("xz", "inner.tar.xz");
    t.enter("tar", "inner.tar");
    expect(t.depth).toBe(2);
    t.leave();
    t.leave();
    t.enter("lzma", "inner.tar.lzma");
    t.enter("tar", "inner.tar");
    expect(t.depth).toBe(2);
    expect(thrown(() => t.enter("gzip", "x.gz")).code).toBe("ARCHIVE_LIMIT_DEPTH");
    const g = new LimitTracker("x.gz", { maxDepth: 3 });
    g.enter("gzip", "x.gz");
    g.enter("gzip", "x");
    g.enter("gzip", "x");
    expect(thrown(() => g.enter("gzip", "x")).code).toBe("ARCHIVE_LIMIT_DEPTH");
  });

  test("leave() pops, so siblings do not add up", () => {
    const t = new LimitTracker("top.zip", { maxDepth: 2 });
    t.enter("zip", "top.zip");
    for (let i = 0; i < 10; i++) {
      t.enter("zip", `sibling${i}.zip`);
      t.leave();
    }
    expect(t.depth).toBe(1);
  });
});

test("entries: the 10,001st throws with the count", () => {
  const t = new LimitTracker("big.tar");
  for (let i = 0; i < 10_000; i++) t.addEntry(`e${i}`);
  const err = thrown(() => t.addEntry("e10000"));
  expect(err.code).toBe("ARCHIVE_LIMIT_ENTRIES");
  expect(err.message).toContain("more than 10000 entries");
  expect(err.message).toContain("DSP_ARCHIVE_MAX_ENTRIES allows 10000");
  expect(err.context).toMatchObject({ entry: "e10000", entries: 10_001 });
});

test("total bytes: the byte past the limit throws", () => {
  const t = new LimitTracker("x.gz", { maxTotalBytes: 1000, maxRatio: 1e9 });
  t.addInput(1);
  t.addOutput(1000);
  const err = thrown(() => t.addOutput(1, "x"));
  expect(err.code).toBe("ARCHIVE_LIMIT_BYTES");
  expect(err.message).toBe("x.gz decompresses to more than 1000 bytes; DSP_ARCHIVE_MAX_TOTAL_BYTES allows 1000");
  expect(err.context).toMatchObject({ outputBytes: 1001, entry: "x" });
});

describe("ratio", () => {
  test("not checked below the floor, however high", () => {
    const t = new LimitTracker("small.gz", { ratioFloorBytes: 1000 });
    t.addInput(1);
    t.addOutput(1000); // 1000:1, at the floor
    expect(t.outputBytes).toBe(1000);
  });

  test("past the floor, output over 100 × input throws with both numbers", () => {
    const t = new LimitTracker("bomb.gz", { ratioFloorBytes: 1000 });
    t.addInput(10);
    t.addOutput(999);
    t.addInput(10); // 20 in: up to 2,000 out allowed
    t.addOutput(1001);
    const err = thrown(() => t.addOutput(1));
    expect(err.code).toBe("ARCHIVE_LIMIT_RATIO");
    expect(err.message).toBe(
      "bomb.gz expanded 100:1 (2001 bytes out of 20 read), past the floor of 1000 bytes; DSP_ARCHIVE_MAX_RATIO allows 100",
    );
    expect(err.context).toMatchObject({ inputBytes: 20, outputBytes: 2001, ratio: 100 });
  });

  test("an unwired input counts as 1 byte: every file past the floor fails, loudly", () => {
    const t = new LimitTracker("x.gz", { ratioFloorBytes: 10 });
    t.addOutput(100);
    expect(thrown(() => t.addOutput(1)).code).toBe("ARCHIVE_LIMIT_RATIO");
  });
});

test("dictionary: larger than allowed throws before anything is allocated", () => {
  const t = new LimitTracker("x.7z");
  t.checkDictionary(96 * 2 ** 20); // 7-Zip's ultra preset
  const err = thrown(() => t.checkDictionary(1536 * 2 ** 20, "huge.bin"));
  expect(err.code).toBe("ARCHIVE_LIMIT_DICTIONARY");
  expect(err.message).toContain("1610612736-byte dictionary");
  expect(err.message).toContain("DSP_ARCHIVE_MAX_DICTIONARY allows 134217728");
});

test("meterInput/meterOutput count chunks as they pass and stop the stream on a limit", async () => {
  const t = new LimitTracker("m.gz", { ratioFloorBytes: 100, maxRatio: 2 });
  async function* src() {
    for (let i = 0; i < 10; i++) yield new Uint8Array(50);
  }
  const input: number[] = [];
  for await (const c of t.meterInput(src())) input.push(c.length);
  expect(t.inputBytes).toBe(500);
  const seen: number[] = [];
  const run = async () => {
    for await (const c of t.meterOutput(src(), "e")) seen.push(c.length);
    for await (const c of t.meterOutput(src(), "e")) seen.push(c.length);
    for await (const c of t.meterOutput(src(), "e")) seen.push(c.length);
  };
  await expect(run()).rejects.toMatchObject({ code: "ARCHIVE_LIMIT_RATIO" });
  expect(seen.length).toBe(20); // the 21st chunk (1,050 > 2 × 500) never reached the consumer
});
