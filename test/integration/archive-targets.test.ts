/**
 * An archive never shares its S3 target with another source of the watched folder (archive-target.ts),
 * end to end with the binary: the plain folder or file wins, and of two archives with one target the
 * first by name; the loser goes to the error folder with KEY_CONFLICT, and the winner's objects are
 * exactly its own. Without the rule, the two wrote the same keys, and a later version of one of
 * them removed as stale objects that the other (still "uploaded" in the log) had written.
 */
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectObjects, settleArchives, sidecar } from "../support/archive/archive-outcome.ts";
import { tarBytes } from "../support/archive/tar-writer.ts";
import { buildZip } from "../support/archive/zip-writer.ts";

test("an archive whose target a plain folder, a plain file or an earlier-named archive already has goes to the error folder with KEY_CONFLICT; the other source goes up alone", async () => {
  const bucket = await newBucket("targets");
  const wd = makeWorkDir("targets");
  const w = (rel: string, data: string | Uint8Array) => {
    mkdirSync(join(wd.watch, rel, ".."), { recursive: true });
    writeFileSync(join(wd.watch, rel), data);
  };
  w("bundle/readme.txt", "the plain file");
  w("bundle.zip", buildZip([{ name: "readme.txt", data: "the archive's file" }]));
  w("logs.tar.gz", gzipSync(tarBytes([{ name: "a.log", data: "from the tar.gz" }])));
  w("logs.zip", buildZip([{ name: "a.log", data: "from the zip" }, { name: "b.log", data: "only in the zip" }]));
  w("app.log", "plain log");
  w("app.log.gz", gzipSync("compressed log"));

  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3);
  for (const loser of ["bundle.zip", "logs.zip", "app.log.gz"]) {
    expect(sidecar(wd, loser).error.type).toBe("KEY_CONFLICT");
  }
  expect(sidecar(wd, "bundle.zip").error.details).toMatch(/folder bundle\//);
  expect(sidecar(wd, "logs.zip").error.details).toMatch(/logs\.tar\.gz has the same target/);
  expect(sidecar(wd, "app.log.gz").error.details).toMatch(/has app\.log/);

  await expectObjects(bucket, "bundle", { "readme.txt": "the plain file" });
  await expectObjects(bucket, "logs", { "a.log": "from the tar.gz" });
  expect(new TextDecoder().decode(await bucket.bytes("app.log"))).toBe("plain log");
  expect(await settleArchives(bucket, wd)).toEqual([]);
}, 60_000);
