/**
 * What a dead run left in S3, cleaned up from the progress log alone: uploads whose id was logged
 * are aborted; an upload created just before the kill (only its key logged, as an intent) is found
 * by ListMultipartUploads and aborted, while another client's upload on a longer key is left
 * alone; objects already uploaded by a source still in progress (several objects per source, as
 * archives will produce) are deleted; and the entry is back to pending with nothing left to clean.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../../src/log.ts";
import { cleanUpAfterCrash, leftoversOf } from "../../../src/pipeline/crash-cleanup.ts";
import { nodeLogFiles } from "../../../src/progress/log-files.ts";
import { ProgressLog } from "../../../src/progress/progress-log.ts";
import { ProgressStore } from "../../../src/progress/progress-store.ts";
import { FakeS3, s3Error } from "../../support/fake-s3.ts";
import { testRetryEnv } from "../../support/upload-env.ts";

const root = mkdtempSync(join(tmpdir(), "dsp-crash-cleanup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fp = { size: 10n, mtimeNs: 1n, ino: 2n, dev: 3n };

async function openStore(dir: string) {
  mkdirSync(dir, { recursive: true });
  const { plog } = await ProgressLog.open({
    dir,
    identity: { bucket: "bucket", prefix: "" },
    dspVersion: "test",
    files: nodeLogFiles,
    log: silentLogger,
    now: () => 1_700_000_000_000,
    onFatal: (err) => {
      throw err;
    },
  });
  return { plog, store: new ProgressStore(plog) };
}

test("aborts logged and intended uploads, deletes a half-set of objects, and leaves the file pending and clean", async () => {
  const s3 = new FakeS3();
  const dir = join(root, "a");
  const before = await openStore(dir);
  // A source producing several objects: two done, a third mid-multipart, a fourth just created.
  await before.store.started("bundle.zip", fp);
  for (const key of ["bundle/a.csv", "bundle/b.csv"]) {
    s3.objects.set(key, { body: new Uint8Array([1]), etag: "x", contentType: "text/csv", metadata: {} });
    await before.store.objectDone("bundle.zip", key);
  }
  const logged = await s3.createMultipartUpload({ key: "bundle/c.bin", contentType: "x", metadata: {} }, new AbortController().signal);
  await before.store.multipartIntent("bundle.zip", "bundle/c.bin");
  await before.store.multipartStarted("bundle.zip", "bundle/c.bin", logged.uploadId);
  await before.store.multipartIntent("bundle.zip", "bundle/d.bin");
  const unlogged = await s3.createMultipartUpload({ key: "bundle/d.bin", contentType: "x", metadata: {} }, new AbortController().signal);
  const foreign = await s3.createMultipartUpload({ key: "bundle/d.bin.other", contentType: "x", metadata: {} }, new AbortController().signal);
  // A completed file next to it is not touched.
  await before.store.started("done.txt", fp);
  await before.store.completed("done.txt", fp, ["done.txt"], '"e"');
  s3.objects.set("done.txt", { body: new Uint8Array([2]), etag: "e", contentType: "text/plain", metadata: {} });
  await before.plog.close(); // the process dies here; the next start replays the log

  const after = await openStore(dir);
  const summary = await cleanUpAfterCrash({ s3, retry: testRetryEnv().retry, store: after.store, log: silentLogger }, leftoversOf(after.store));
  expect(summary).toEqual({ files: 1, aborted: 2, deleted: 2, failed: 0 });
  expect([...s3.uploads.keys()]).toEqual([foreign.uploadId]);
  expect(s3.uploads.has(logged.uploadId) || s3.uploads.has(unlogged.uploadId)).toBe(false);
  expect([...s3.objects.keys()]).toEqual(["done.txt"]);
  expect(after.store.entry("bundle.zip")).toMatchObject({ state: "pending", keys: [], intentKeys: [], uploads: [] });
  expect(after.store.entry("done.txt")).toMatchObject({ state: "completed", keys: ["done.txt"] });
  await after.plog.close();

  // Durable: a third start finds nothing left to do.
  const third = await openStore(dir);
  expect(await cleanUpAfterCrash({ s3, retry: testRetryEnv().retry, store: third.store, log: silentLogger }, leftoversOf(third.store))).toEqual({ files: 0, aborted: 0, deleted: 0, failed: 0 });
  await third.plog.close();
});

test("an upload already gone (NoSuchUpload) is not an error, and a failing store leaves the entry for the next start", async () => {
  const s3 = new FakeS3();
  const dir = join(root, "b");
  const before = await openStore(dir);
  await before.store.started("x.bin", fp);
  await before.store.multipartIntent("x.bin", "x.bin");
  await before.store.multipartStarted("x.bin", "x.bin", "upload-that-was-aborted-already");
  await before.plog.close();

  const flaky = await openStore(dir);
  let refuse = true;
  s3.fail((name) => (refuse && name === "AbortMultipartUpload" ? s3Error(403, "AccessDenied") : undefined));
  const failed = await cleanUpAfterCrash({ s3, retry: testRetryEnv({ retries: 0 }).retry, store: flaky.store, log: silentLogger }, leftoversOf(flaky.store));
  expect(failed.failed).toBe(1);
  expect(flaky.store.entry("x.bin")?.uploads).toEqual([{ key: "x.bin", uploadId: "upload-that-was-aborted-already" }]);
  await flaky.plog.close();

  // Next start: the store answers NoSuchUpload (someone, or a lifecycle rule, aborted it): done.
  refuse = false;
  const next = await openStore(dir);
  const summary = await cleanUpAfterCrash({ s3, retry: testRetryEnv({ retries: 0 }).retry, store: next.store, log: silentLogger }, leftoversOf(next.store));
  expect(summary).toEqual({ files: 1, aborted: 0, deleted: 0, failed: 0 });
  expect(s3.calls.filter((c) => c.name === "AbortMultipartUpload").length).toBe(2);
  expect(next.store.entry("x.bin")).toMatchObject({ state: "pending", uploads: [], intentKeys: [] });
  await next.plog.close();
});

test("an archive's KEY records survive the crash and a compaction: the restart removes its objects, the unfinished upload on one of them, and the previous version's set its manifest lists", async () => {
  const s3 = new FakeS3();
  const signal = new AbortController().signal;
  const dir = join(root, "c");
  const manifestKey = "p/.dsp/manifests/set.zip.json";
  // The previous version's set: its manifest lists two objects, one of which this attempt replaced.
  s3.objects.set(manifestKey, {
    body: new TextEncoder().encode(JSON.stringify({ format: 1, objects: [{ key: "p/set/old.txt" }, { key: "p/set/a.txt" }] })),
    etag: "m",
    contentType: "application/json",
    metadata: {},
  });
  s3.objects.set("p/set/old.txt", { body: new Uint8Array([0]), etag: "o", contentType: "text/plain", metadata: {} });
  const before = await openStore(dir);
  await before.store.started("set.zip", fp);
  await before.store.archiveKey("set.zip", manifestKey);
  for (const key of ["p/set/a.txt", "p/set/b.txt"]) {
    await before.store.archiveKey("set.zip", key);
    s3.objects.set(key, { body: new Uint8Array([1]), etag: "x", contentType: "text/plain", metadata: {} });
  }
  await before.store.archiveKey("set.zip", "p/set/c.bin");
  const open = await s3.createMultipartUpload({ key: "p/set/c.bin", contentType: "x", metadata: {} }, signal);
  const other = await s3.createMultipartUpload({ key: "p/set/unrelated.bin", contentType: "x", metadata: {} }, signal);
  expect(before.store.entry("set.zip")?.keys).toEqual([manifestKey, "p/set/a.txt", "p/set/b.txt", "p/set/c.bin"]);
  // Compaction rewrites the entry from memory: the keys added by KEY records must be in it.
  await (before.plog as unknown as { compact(): Promise<void> }).compact();
  await before.plog.close();

  const after = await openStore(dir);
  expect(after.store.entry("set.zip")?.keys).toEqual([manifestKey, "p/set/a.txt", "p/set/b.txt", "p/set/c.bin"]);
  const summary = await cleanUpAfterCrash({ s3, retry: testRetryEnv().retry, store: after.store, log: silentLogger, prefix: "p/" }, leftoversOf(after.store));
  expect(summary).toMatchObject({ files: 1, aborted: 1, failed: 0 });
  expect([...s3.objects.keys()]).toEqual([]);
  expect([...s3.uploads.keys()]).toEqual([other.uploadId]);
  expect(s3.uploads.has(open.uploadId)).toBe(false);
  expect(after.store.entry("set.zip")).toMatchObject({ state: "pending", keys: [] });
  await after.plog.close();
});
