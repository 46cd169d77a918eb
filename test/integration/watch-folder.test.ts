/**
 * The watched folder as operators treat it: removed and recreated while dsp runs (it logs an error,
 * keeps running, and resumes), temporary-looking names and dotfiles ignored, files present at start
 * processed, symlinks not followed, and a modified file uploaded again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type DspProcess } from "../harness/dsp-process.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";

describe("watched folder", () => {
  let bucket: TestBucket;
  let wd: WorkDir;
  let dsp: DspProcess;

  beforeAll(async () => {
    bucket = await newBucket("watch");
    wd = makeWorkDir("watch");
    mkdirSync(join(wd.watch, "old"));
    writeFileSync(join(wd.watch, "old/present-at-start.txt"), "was here first");
    wd.outside = join(wd.root, "outside.txt");
    writeFileSync(wd.outside, "not in the watched folder");
    dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_RESCAN_INTERVAL: "2s" }) });
    await dsp.waitFor((l) => l.msg === "dsp started", "start");
  });

  afterAll(async () => {
    expect(await dsp.stop()).toBe(0);
  });

  test("files present at start are uploaded", async () => {
    await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "old/present-at-start.txt", "present file uploaded");
  });

  test("temporary names, dotfiles and dot-folders are ignored; the real file is uploaded when renamed", async () => {
    writeFileSync(join(wd.watch, "download.pdf.part"), "partial");
    writeFileSync(join(wd.watch, ".hidden"), "private");
    mkdirSync(join(wd.watch, ".cache"));
    writeFileSync(join(wd.watch, ".cache/x.txt"), "cached");
    writeFileSync(join(wd.watch, "data.tmp"), "tmp");
    writeFileSync(join(wd.watch, "done.crdownload"), "browser");
    const writtenAt = Date.now();
    renameSync(join(wd.watch, "download.pdf.part"), join(wd.watch, "download.pdf"));
    await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "download.pdf", "renamed file uploaded");
    // After a full rescan that started after the files were written, still nothing else went up.
    await dsp.waitFor((l) => l.msg === "rescan complete" && Date.parse(l.ts) - Number(l.duration_ms) > writtenAt, "a later rescan");
    expect(dsp.lines.some((l) => l.msg === "detected" && /hidden|cache|tmp|crdownload|\.part$/.test(String(l.file)))).toBe(false);
    const keys = await bucket.keys();
    expect(keys.filter((k) => /hidden|cache|tmp|crdownload|\.part$/.test(k))).toEqual([]);
  });

  test("a symlink is not followed: its target outside the folder is not uploaded", async () => {
    symlinkSync(wd.outside!, join(wd.watch, "link.txt"));
    const skipped = await dsp.waitFor((l) => l.msg === "skipped" && l.file === "link.txt", "symlink skipped");
    expect(skipped.reason).toContain("symbolic link");
    expect(await bucket.keys()).not.toContain("link.txt");
  });

  test("a modified file is uploaded again with its new content", async () => {
    writeFileSync(join(wd.watch, "report.csv.txt"), "version 1");
    await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "report.csv.txt", "v1");
    writeFileSync(join(wd.watch, "report.csv.txt"), "version 2, longer");
    await dsp.waitForCount((l) => l.msg === "uploaded" && l.file === "report.csv.txt", 2, "v2");
    expect(new TextDecoder().decode(await bucket.bytes("report.csv.txt"))).toBe("version 2, longer");
  });

  test("the watched folder removed: error logged, dsp keeps running, and resumes when it is back", async () => {
    rmSync(wd.watch, { recursive: true });
    const err = await dsp.waitFor((l) => l.msg === "watched folder is missing or unreadable: waiting for it to come back", "missing folder noticed");
    expect(err.level).toBe("ERROR");
    expect(dsp.proc.exitCode).toBeNull();

    mkdirSync(join(wd.watch, "new"), { recursive: true });
    await dsp.waitFor((l) => l.msg === "watched folder is available again: resuming", "folder back");
    writeFileSync(join(wd.watch, "new/after-return.txt"), "back again");
    await dsp.waitFor((l) => l.msg === "uploaded" && l.file === "new/after-return.txt", "upload after return");
    expect(new TextDecoder().decode(await bucket.bytes("new/after-return.txt"))).toBe("back again");
  });
});
