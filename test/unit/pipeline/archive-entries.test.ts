/**
 * The archive entry uploader sends nothing for an object before its KEY record is durable
 * (EntryTarget.recorded), for small files (pooled), streamed files alike, while the walk itself
 * is not held up by the fsync: the next entries are read and handed over meanwhile, which is what
 * lets their KEY records share one fsync. A KEY record that fails to become durable fails the
 * archive, and the object is never sent.
 */
import { expect, test } from "bun:test";
import { silentLogger } from "../../../src/log.ts";
import { ArchiveEntryUploader } from "../../../src/pipeline/archive-entries.ts";
import type { JobDeps } from "../../../src/pipeline/file-job.ts";
import type { ProgressStore } from "../../../src/progress/progress-store.ts";
import type { WalkedFile } from "../../../src/archive/walk/archive-walker.ts";
import { Semaphore } from "../../../src/util/semaphore.ts";
import { FakeS3 } from "../../support/fake-s3.ts";
import { testUploadDeps } from "../../support/upload-env.ts";

const MiB = 2 ** 20;

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // as archive-job.ts does: the uploader reports the failure
  return { promise, resolve, reject };
}

function uploaderWith(s3: FakeS3): ArchiveEntryUploader {
  const { deps: upload } = testUploadDeps(s3);
  const store = { partDone: () => {} } as unknown as ProgressStore;
  const deps = { upload, budget: new Semaphore(64 * MiB), crc32: false, partSize: 5 * MiB, store, log: silentLogger } as unknown as JobDeps;
  return new ArchiveEntryUploader(deps, "bundle.zip", store, silentLogger);
}

function file(ordinal: number, bytes: Uint8Array): WalkedFile {
  return {
    path: `bundle/${ordinal}.bin`,
    entry: `bundle.zip > ${ordinal}.bin`,
    ordinal,
    size: bytes.length,
    data: (async function* () {
      for (let p = 0; p < bytes.length; p += 256 * 1024) yield bytes.subarray(p, p + 256 * 1024);
    })(),
  };
}

/** Lets every pending promise callback and I/O callback run (an absence can only be checked after that). */
const idle = () => new Promise<void>((resolve) => setImmediate(resolve));

const target = (key: string, recorded: Promise<void>) => ({ key, recorded, metadata: {}, reopen: () => (async function* () {})() });

test("small files: the walk goes on while their KEY records are pending, and none is sent before its record is durable", async () => {
  const s3 = new FakeS3();
  const up = uploaderWith(s3);
  let putDone: (() => void) | undefined;
  s3.around = async (name, run) => {
    const result = await run();
    if (name === "PutObject") putDone?.();
    return result;
  };
  const records = [deferred(), deferred(), deferred()];
  // All three are handed over (read whole, queued) although no record is durable yet.
  for (const [i, r] of records.entries()) await up.upload(file(i, new Uint8Array(1000).fill(i)), target(`bundle/${i}.bin`, r.promise));
  await idle();
  expect(s3.count("PutObject")).toBe(0);
  const firstPut = new Promise<void>((resolve) => (putDone = resolve));
  records[1]!.resolve(); // durable out of order: that one goes, the others still wait
  await firstPut;
  await idle();
  expect(s3.calls.map((c) => `${c.name} ${(c.input as { key: string }).key}`)).toEqual(["PutObject bundle/1.bin"]);
  records[0]!.resolve();
  records[2]!.resolve();
  const objects = await up.finish();
  expect(objects.map((o) => o.key)).toEqual(["bundle/0.bin", "bundle/1.bin", "bundle/2.bin"]);
  expect(s3.count("PutObject")).toBe(3);
});

test("a streamed (multipart) file waits for its record before CreateMultipartUpload", async () => {
  const s3 = new FakeS3();
  const up = uploaderWith(s3);
  const r = deferred();
  const big = file(0, new Uint8Array(6 * MiB).fill(7));
  let pulled = 0;
  const counted = { ...big, data: (async function* () {
    for await (const c of big.data) {
      pulled += c.length;
      yield c;
    }
  })() };
  const uploading = up.upload(counted, target("bundle/big.bin", r.promise));
  await idle();
  // Declared over 1 MiB: streamed, so it waits for its record before reading or sending anything.
  expect(pulled).toBe(0);
  expect(s3.calls).toEqual([]);
  r.resolve();
  await uploading;
  expect(pulled).toBe(6 * MiB);
  expect(s3.calls[0]?.name).toBe("CreateMultipartUpload");
  expect((await up.finish()).map((o) => [o.key, o.size])).toEqual([["bundle/big.bin", 6 * MiB]]);
});

test("a KEY record that cannot be made durable fails the archive, and its object is never sent", async () => {
  const s3 = new FakeS3();
  const up = uploaderWith(s3);
  const r = deferred();
  await up.upload(file(0, new Uint8Array(10)), target("bundle/0.bin", r.promise));
  r.reject(new Error("progress log: disk full"));
  await expect(up.finish()).rejects.toThrow("progress log: disk full");
  await up.settle();
  expect(s3.calls).toEqual([]);
});
