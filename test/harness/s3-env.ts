/**
 * The S3 server the integration tests talk to: one per test process, started on first use.
 * By default a SeaweedFS started here; with DSP_TEST_S3_ENDPOINT set, an already running store
 * (CI runs the suite a second time against Ceph RGW this way), with its credentials in
 * DSP_TEST_S3_ACCESS_KEY_ID / DSP_TEST_S3_SECRET_ACCESS_KEY and its name in DSP_TEST_S3_KIND.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSeaweedfs, type RunningS3, type S3Endpoint } from "./seaweedfs.ts";

let server: Promise<RunningS3> | undefined;

export function testS3(): Promise<S3Endpoint> {
  server ??= start();
  return server;
}

export async function stopTestS3(): Promise<void> {
  if (!server) return;
  const s = await server;
  server = undefined;
  await s.stop();
}

async function start(): Promise<RunningS3> {
  const external = process.env.DSP_TEST_S3_ENDPOINT;
  if (external) {
    const s: RunningS3 = {
      kind: process.env.DSP_TEST_S3_KIND ?? "external",
      endpoint: external,
      region: process.env.DSP_TEST_S3_REGION ?? "us-east-1",
      accessKeyId: required("DSP_TEST_S3_ACCESS_KEY_ID"),
      secretAccessKey: required("DSP_TEST_S3_SECRET_ACCESS_KEY"),
      stop: async () => {},
    };
    await untilWritable(s);
    return s;
  }
  const dir = join(tmpdir(), `dsp-test-s3-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const s = await startSeaweedfs({ dir });
  await untilWritable(s);
  const stop = s.stop;
  return {
    ...s,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A store can answer HTTP before it accepts writes, and SeaweedFS allocates its first volume on the
 * first write (seconds): one bucket and one object prove the store is ready and warm.
 */
async function untilWritable(s: S3Endpoint): Promise<void> {
  const client = s3ClientFor(s);
  const bucket = `ready-${process.pid}`;
  const deadline = Date.now() + 60_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err) => {
        if ((err as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw err;
      });
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "warm-up", Body: "ready" }));
      return;
    } catch (err) {
      last = err;
      await Bun.sleep(200);
    }
  }
  throw new Error(`${s.kind} at ${s.endpoint} never accepted a CreateBucket: ${String(last)}`);
}

export function s3ClientFor(s: S3Endpoint): S3Client {
  return new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set when DSP_TEST_S3_ENDPOINT is`);
  return v;
}
