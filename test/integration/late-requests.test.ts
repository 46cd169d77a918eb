/**
 * Requests of a killed run that the store carries out after the restart (the resume fence,
 * src/pipeline/resume-fence.ts). The kill loop found it against SeaweedFS: a PutObject sent just
 * before SIGKILL was stored more than half a second later, on top of the newer version the
 * restarted run had uploaded and verified. Here the fault proxy holds such a request until the
 * test releases it: half-way through DSP_RESUME_DELAY (a store that is slow, within the bound dsp
 * assumes), or as soon as the restarted run has done its own upload of that key, whichever comes
 * first. Without the fence the restarted run's upload comes first, and the late request lands on
 * top of it.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newBucket, type TestBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp, startDsp, type DspProcess } from "../harness/dsp-process.ts";
import { S3_OPERATIONS, startFaultProxy, type RequestMatch } from "../harness/fault-proxy.ts";
import { settledViolations } from "../harness/invariants.ts";
import { makeWorkDir, type WorkDir } from "../harness/workdir.ts";
import { md5hex, payload } from "../support/payload.ts";
import { WAITING_STEP } from "../../src/pipeline/daemon.ts";

interface StatusReport {
  inProgress: { file: string; step?: string }[];
}

const MiB = 1024 ** 2;
const RESUME_DELAY_MS = 6000;
const FENCE_MSG = "files the interrupted run was uploading wait until its requests have settled";

interface LateRequest {
  /** Resolves with the store's answer status once the held request was carried out. */
  delivered: Promise<number>;
  release(): void;
}

function holdLate(proxy: Awaited<ReturnType<typeof startFaultProxy>>, match: RequestMatch): LateRequest {
  let release!: () => void;
  let onDelivered!: (status: number) => void;
  const released = new Promise<void>((r) => (release = r));
  const delivered = new Promise<number>((r) => (onDelivered = r));
  proxy.inject({ kind: "late", match, release: released, onDelivered });
  return { delivered, release };
}

/**
 * Kills the first run once the store holds its request, changes nothing or the file, starts the
 * second run, and releases the held request at the moment described at the top.
 */
async function killWithRequestInFlight(
  bucket: TestBucket,
  wd: WorkDir,
  match: RequestMatch,
  file: string,
  between: () => void,
): Promise<{ second: DspProcess; status: number; held: StatusReport }> {
  const proxy = await startFaultProxy({ upstream: bucket.s3.endpoint });
  const env = dspEnv(bucket, wd, { DSP_S3_ENDPOINT: proxy.url, DSP_RESUME_DELAY: `${RESUME_DELAY_MS}ms`, DSP_PART_SIZE: "5MiB" });
  const late = holdLate(proxy, match);
  const first = startDsp({ env });
  await proxy.waitForFault("late");
  expect(await first.stop("SIGKILL")).not.toBe(0);
  between();

  const second = startDsp({ env, args: ["run", "--once"] });
  const ownUpload = second.waitFor((l) => l.msg === "uploaded" && l.file === file, `${file} uploaded`, 120_000).catch(() => undefined);
  await second.waitFor((l) => l.msg === FENCE_MSG, "the resume fence");
  // The store's delay is the fault being modelled, not a wait for an event: half the resume delay.
  void Promise.race([ownUpload, Bun.sleep(RESUME_DELAY_MS / 2)]).then(late.release);
  const held = JSON.parse((await runDsp({ env, args: ["status", "--json"] })).output) as StatusReport;
  const status = await late.delivered;
  expect(await second.exited).toBe(0);
  await proxy.stop();
  return { second, status, held };
}

describe("requests of a killed run that land after the restart", () => {
  test("a late PutObject of the old version does not overwrite the new version uploaded after the restart", async () => {
    const bucket = await newBucket("late-put");
    const wd = makeWorkDir("late-put");
    const path = join(wd.watch, "report.txt");
    writeFileSync(path, "version 1\n");
    const v2 = "version 2, written while dsp was down\n";

    const { second, status, held } = await killWithRequestInFlight(
      bucket,
      wd,
      { ...S3_OPERATIONS.putObject, path: `/${bucket.name}/report.txt` },
      "report.txt",
      () => writeFileSync(path, v2),
    );
    expect(status).toBe(200); // the old version really reached the store after the kill
    expect(new TextDecoder().decode(await bucket.bytes("report.txt"))).toBe(v2);
    expect(second.lines.find((l) => l.msg === FENCE_MSG)?.files).toBe(1);
    // Meanwhile `dsp status` said why the file did not move.
    expect(held.inProgress).toEqual([expect.objectContaining({ file: "report.txt", step: WAITING_STEP })]);
    expect(await settledViolations(bucket, { watch: wd.watch, errorDir: join(wd.watch, ".dsp-errors"), stateDir: wd.state })).toEqual([]);
  }, 180_000);

  test("a late CreateMultipartUpload (its id never logged) is found and aborted, not left behind", async () => {
    const bucket = await newBucket("late-create");
    const wd = makeWorkDir("late-create");
    const body = payload(12 * MiB, 3);
    writeFileSync(join(wd.watch, "big.bin"), body);

    const { second, status } = await killWithRequestInFlight(
      bucket,
      wd,
      { ...S3_OPERATIONS.createMultipartUpload, path: `/${bucket.name}/big.bin` },
      "big.bin",
      () => {},
    );
    expect(status).toBe(200); // an upload was created after the kill
    expect(second.lines.some((l) => l.msg === "aborted an unfinished multipart upload of the previous run" && l.key === "big.bin")).toBe(true);
    expect(await bucket.multipartUploads()).toEqual([]);
    expect((await bucket.head("big.bin")).size).toBe(body.length);
    expect(md5hex(await bucket.bytes("big.bin"))).toBe(md5hex(body));
    expect(await settledViolations(bucket, { watch: wd.watch, errorDir: join(wd.watch, ".dsp-errors"), stateDir: wd.state })).toEqual([]);
  }, 180_000);
});
