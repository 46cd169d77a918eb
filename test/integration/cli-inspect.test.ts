/**
 * `dsp inspect` (the compiled binary) lists what `dsp run` would upload from an archive, and says
 * why an archive would go to the error folder, without S3 and without writing anything.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { makeWorkDir } from "../harness/workdir.ts";
import { inspectArchive } from "../support/archive/archive-outcome.ts";
import { tarBytes } from "../support/archive/tar-writer.ts";
import { buildZip } from "../support/archive/zip-writer.ts";

const inspect = inspectArchive;

test("dsp inspect lists the files of a nested archive with their decompressed sizes, and the reason a bad one would fail", () => {
  const wd = makeWorkDir("inspect");
  const good = join(wd.root, "bundle.zip");
  writeFileSync(good, buildZip([{ name: "a.txt", data: "abc" }, { name: "in.tar.gz", data: gzipSync(tarBytes([{ name: "x/y.csv", data: "k\n1\n" }])), method: 0 }]));
  const ok = inspect(good);
  expect(ok.code).toBe(0);
  expect(ok.report.files).toEqual([
    { path: "bundle/a.txt", entry: "bundle.zip > a.txt", bytes: 3 },
    { path: "bundle/in/x/y.csv", entry: "bundle.zip > in.tar.gz > x/y.csv", bytes: 4 },
  ]);
  expect(ok.report.error).toBeUndefined();

  const bad = join(wd.root, "bad.tar.gz");
  writeFileSync(bad, gzipSync(tarBytes([{ name: "../../etc/cron.d/x", data: "evil" }])));
  const refused = inspect(bad);
  expect(refused.code).toBe(3);
  expect(refused.report.error?.code).toBe("ARCHIVE_PATH_UNSAFE");

  const crowded = inspect(good, { DSP_ARCHIVE_MAX_ENTRIES: "2" });
  expect(crowded.code).toBe(3);
  expect(crowded.report.error?.code).toBe("ARCHIVE_LIMIT_ENTRIES");
});
