// Proves each fault of the fault proxy does what it names, against a real
// S3 server (the shared test server) and the real AWS SDK (so SigV4 signatures are checked).

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import net from "node:net";
import { type FaultProxy, S3_OPERATIONS, startFaultProxy } from "./fault-proxy";
import { newBucket } from "./bucket.ts";
import type { S3Endpoint } from "./seaweedfs.ts";

const MiB = 1024 * 1024;

let server: S3Endpoint;
let BUCKET: string;

function s3(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: server.region,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

/** Deterministic, non-uniform bytes, so a shifted or shortened copy can't compare equal. */
function payload(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    buf.writeUInt32LE(x, i);
  }
  return buf;
}

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

async function caught(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Errors the SDK surfaces when the connection broke rather than the server answered. */
function expectNetworkError(err: Record<string, unknown> & Error): void {
  expect(err.$metadata === undefined || (err.$metadata as { httpStatusCode?: number }).httpStatusCode === undefined).toBe(true);
  expect(`${String(err.code)} ${err.message}`).toMatch(/ECONNRESET|socket hang up|aborted|EPIPE|closed/i);
}

async function objectExists(client: S3Client, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

let direct: S3Client;
let proxy: FaultProxy;
let client: S3Client;

beforeAll(async () => {
  const bucket = await newBucket("proxy");
  server = bucket.s3;
  BUCKET = bucket.name;
  direct = s3(server.endpoint);
  proxy = await startFaultProxy({ upstream: server.endpoint });
  client = s3(proxy.url);
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
});

beforeEach(() => proxy.clear());

describe("pass-through", () => {
  test("PutObject and GetObject keep signatures valid and bytes intact", async () => {
    const body = payload(200_000);
    const put = await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "dir/with space+plus.bin",
        Body: body,
        ContentType: "application/x-test",
        Metadata: { origin: "fault-proxy" },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "dir/with space+plus.bin" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.Metadata).toEqual({ origin: "fault-proxy" });
    expect(got.ContentType).toBe("application/x-test");
  });

  test("64 MiB PutObject streams through intact", async () => {
    const body = payload(64 * MiB, 7);
    const forwardedBefore = proxy.stats.bytesToUpstream;
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.bin", Body: body }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(proxy.stats.bytesToUpstream - forwardedBefore).toBeGreaterThan(64 * MiB);

    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    const hash = createHash("md5");
    for await (const chunk of got.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest("hex")).toBe(md5(body));
  }, 60_000);

  test("multipart upload (create, 16 MiB + 1 MiB parts, complete)", async () => {
    const parts = [payload(16 * MiB, 11), payload(1 * MiB, 12)];
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "multi.bin" }));
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const res = await client.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: "multi.bin", UploadId, PartNumber: i + 1, Body: part }),
      );
      expect(res.ETag).toBe(`"${md5(part)}"`);
      etags.push(res.ETag!);
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: "multi.bin",
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: "multi.bin" }));
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(Buffer.concat(parts)));
  }, 60_000);
});

describe("status", () => {
  test("503 SlowDown reaches the client as an S3 error; the next request passes", async () => {
    proxy.inject({ kind: "status", status: 503, match: S3_OPERATIONS.putObject });
    const before = proxy.stats.forwarded;
    const err = await caught(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "slow", Body: payload(1000) })));
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
    expect(err.name).toBe("SlowDown");
    expect(err.Code).toBe("SlowDown");
    expect(proxy.stats.forwarded).toBe(before);
    expect(await objectExists(direct, "slow")).toBe(false);

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "slow", Body: payload(1000) }));
    expect(await objectExists(direct, "slow")).toBe(true);
  });

  test("500 with a custom code on a 5 MiB UploadPart (client waits for 100-continue)", async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "status-part" }));
    proxy.inject({ kind: "status", status: 500, code: "InternalError", message: "boom", match: S3_OPERATIONS.uploadPart });
    const err = await caught(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key: "status-part", UploadId, PartNumber: 1, Body: payload(5 * MiB) })),
    );
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
    expect(err.name).toBe("InternalError");
    expect(err.message).toBe("boom");
  });

  test("the request body is consumed, so the connection stays usable", async () => {
    const upstream = await startRecordingUpstream();
    const local = await startFaultProxy({ upstream: upstream.url });
    try {
      local.inject({ kind: "status", status: 503, match: { method: "PUT" } });
      const first = "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
      const second = "GET /b/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      const answer = (await rawExchange(local.port, first + second)).toString("latin1");
      expect(answer).toStartWith("HTTP/1.1 503 Service Unavailable\r\n");
      expect(answer).toContain("<Code>SlowDown</Code>");
      expect(answer).toContain("HTTP/1.1 200 OK");
      expect(local.stats.connections).toBe(1);
      expect(upstream.requests).toEqual([Buffer.from(second)]);
    } finally {
      await local.stop();
      await upstream.stop();
    }
  });
});

describe("reset", () => {
  test("before forwarding: client sees a network error, server sees nothing", async () => {
    proxy.inject({ kind: "reset", match: S3_OPERATIONS.putObject });
    const before = proxy.stats.forwarded;
    const err = await caught(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "reset-early", Body: payload(1000) })));
    expectNetworkError(err);
    expect(err.code).toBe("ECONNRESET");
    expect(proxy.stats.faulted.reset).toBeGreaterThanOrEqual(1);
    expect(proxy.stats.forwarded).toBe(before);
    expect(await objectExists(direct, "reset-early")).toBe(false);
  });

  test("after 1 MiB of a 5 MiB part: client sees a network error, nothing stored", async () => {
    const bytesBefore = proxy.stats.bytesToUpstream;
    proxy.inject({ kind: "reset", afterBytes: MiB, match: S3_OPERATIONS.putObject });
    const err = await caught(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "reset-late", Body: payload(5 * MiB) })));
    expectNetworkError(err);
    const sent = proxy.stats.bytesToUpstream - bytesBefore;
    expect(sent).toBeGreaterThan(MiB);
    expect(sent).toBeLessThan(MiB + 16 * 1024); // the head plus exactly 1 MiB of body
    expect(await objectExists(direct, "reset-late")).toBe(false);
  });
});

describe("hang", () => {
  test("the client only gets out by timing out", async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "hang", Body: "x" }));
    proxy.inject({ kind: "hang", match: S3_OPERATIONS.getObject });
    const hangsBefore = proxy.stats.faulted.hang;
    const err = await caught(
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "hang" }), { abortSignal: AbortSignal.timeout(300) }),
    );
    expect(err.name).toBe("AbortError");
    expect(proxy.stats.faulted.hang).toBe(hangsBefore + 1);
    const ok = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "hang" }));
    expect(await ok.Body!.transformToString()).toBe("x");
  });

  test("waitForFault lets a test react to the hang instead of sleeping", async () => {
    proxy.inject({ kind: "hang" });
    const controller = new AbortController();
    const pending = caught(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "hang" }), { abortSignal: controller.signal }));
    await proxy.waitForFault("hang", proxy.stats.faulted.hang + 1);
    controller.abort();
    expect((await pending).name).toBe("AbortError");
  });
});

describe("throttle", () => {
  test("1 MiB upload at 256 KiB/s is paced, bytes intact", async () => {
    const body = payload(MiB, 21);
    const throttledBefore = proxy.stats.throttledBytes;
    proxy.inject({ kind: "throttle", bytesPerSecond: 256 * 1024, match: S3_OPERATIONS.putObject });
    const started = performance.now();
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "slow-up", Body: body }));
    const elapsed = performance.now() - started;
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(proxy.stats.throttledBytes - throttledBefore).toBeGreaterThan(MiB);
    expect(elapsed).toBeGreaterThan(3000); // lower bound only: 1 MiB needs ~4 s at that rate
  }, 30_000);

  test("512 KiB download at 256 KiB/s is paced, bytes intact", async () => {
    const body = payload(512 * 1024, 22);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "slow-down", Body: body }));
    const throttledBefore = proxy.stats.throttledBytes;
    proxy.inject({ kind: "throttle", bytesPerSecond: 256 * 1024, match: S3_OPERATIONS.getObject });
    const started = performance.now();
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "slow-down" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(1500);
    expect(proxy.stats.throttledBytes - throttledBefore).toBeGreaterThan(512 * 1024);
  }, 30_000);
});

describe("truncate", () => {
  test("GetObject body cut in half: reading the body fails", async () => {
    const body = payload(100_000, 31);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cut-get", Body: body }));
    const toClientBefore = proxy.stats.bytesToClient;
    proxy.inject({ kind: "truncate", match: S3_OPERATIONS.getObject });
    const err = await caught(
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cut-get" })).then((res) => res.Body!.transformToByteArray()),
    );
    expectNetworkError(err);
    const delivered = proxy.stats.bytesToClient - toClientBefore;
    expect(delivered).toBeGreaterThan(50_000);
    expect(delivered).toBeLessThan(52_000); // head + exactly half of the body
  });

  test("PutObject answer cut: the client fails although the server stored the object", async () => {
    proxy.inject({ kind: "truncate", match: S3_OPERATIONS.putObject });
    const err = await caught(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cut-answer", Body: payload(1000) })));
    expectNetworkError(err);
    expect(await objectExists(direct, "cut-answer")).toBe(true);
  });

  test("request side: server gets half the body then EOF, client gets no answer", async () => {
    const bytesBefore = proxy.stats.bytesToUpstream;
    proxy.inject({ kind: "truncate", side: "request", match: S3_OPERATIONS.putObject });
    const err = await caught(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "cut-request", Body: payload(4 * MiB) })));
    expectNetworkError(err);
    const sent = proxy.stats.bytesToUpstream - bytesBefore;
    expect(sent).toBeGreaterThan(2 * MiB);
    expect(sent).toBeLessThan(2 * MiB + 16 * 1024);
    expect(await objectExists(direct, "cut-request")).toBe(false);
  });
});

describe("down / up", () => {
  test("down refuses connections, up serves again on the same port", async () => {
    const port = proxy.port;
    await proxy.down();
    // A fresh client: a pooled keep-alive socket would fail differently
    // (ECONNRESET on reuse), exactly as with a real server going away.
    const err = await caught(s3(proxy.url).send(new HeadObjectCommand({ Bucket: BUCKET, Key: "hang" })));
    expect(err.code).toBe("ECONNREFUSED");
    await proxy.up();
    expect(proxy.port).toBe(port);
    const fresh = s3(proxy.url);
    await fresh.send(new PutObjectCommand({ Bucket: BUCKET, Key: "after-up", Body: "back" }));
    expect(await objectExists(direct, "after-up")).toBe(true);
  });

  test("down destroys open connections (a hanging request fails at once)", async () => {
    proxy.inject({ kind: "hang" });
    const fresh = s3(proxy.url);
    const pending = caught(fresh.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "hang" })));
    await proxy.waitForFault("hang", proxy.stats.faulted.hang + 1);
    await proxy.down();
    expectNetworkError(await pending);
    await proxy.up();
  });
});

describe("times and match", () => {
  test("a fault limited to partNumber=2 and times=2 hits exactly those requests", async () => {
    const key = "match-parts";
    const parts = [payload(5 * MiB, 41), payload(5 * MiB, 42), payload(100, 43)];
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    proxy.inject({
      kind: "status",
      status: 503,
      times: 2,
      match: { ...S3_OPERATIONS.uploadPart, query: { partNumber: "2", uploadId: true } },
    });
    const logStart = proxy.stats.log.length;
    const upload = (n: number) =>
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: n, Body: parts[n - 1] }));

    const p1 = await upload(1);
    expect((await caught(upload(2))).name).toBe("SlowDown");
    expect((await caught(upload(2))).name).toBe("SlowDown");
    const p2 = await upload(2);
    const p3 = await upload(3);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [p1, p2, p3].map((p, i) => ({ ETag: p.ETag!, PartNumber: i + 1 })) },
      }),
    );
    const faults = proxy.stats.log.slice(logStart).map((r) => `${r.target.match(/partNumber=(\d+)/)?.[1] ?? r.method}:${r.fault ?? "-"}`);
    expect(faults).toEqual(["1:-", "2:status", "2:status", "2:-", "3:-", "POST:-"]);
    const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(Buffer.concat(parts)));
  }, 30_000);

  test("times: Infinity hits until clear(); other methods and ops pass", async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "inf", Body: "v" }));
    proxy.inject({ kind: "status", status: 503, times: Infinity, match: { method: "HEAD", path: /\/inf$/ } });
    for (let i = 0; i < 3; i++) {
      const err = await caught(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "inf" })));
      expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
    }
    expect(await objectExists(client, "hang")).toBe(true); // other path
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "inf" })); // other method
    expect(await got.Body!.transformToString()).toBe("v");
    proxy.clear();
    expect(await objectExists(client, "inf")).toBe(true);
  });

  test("the first queued matching fault wins; a non-matching one waits its turn", async () => {
    proxy.inject({ kind: "status", status: 500, match: S3_OPERATIONS.completeMultipartUpload });
    proxy.inject({ kind: "status", status: 503 });
    const first = await caught(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "inf" })));
    expect((first.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(503);
    expect(await objectExists(client, "inf")).toBe(true); // the 503 is used up; the 500 still waits
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "order" }));
    const part = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: "order", UploadId, PartNumber: 1, Body: "p" }),
    );
    const complete = new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: "order",
      UploadId,
      MultipartUpload: { Parts: [{ ETag: part.ETag!, PartNumber: 1 }] },
    });
    const err = await caught(client.send(complete));
    expect((err.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
    await client.send(complete);
  });
});

// ---------------------------------------------------------------------------
// Byte-level checks against a fake upstream that records what it receives.

interface RecordingUpstream {
  url: string;
  /** Each complete request (head and body) as received. */
  requests: Buffer[];
  stop(): Promise<void>;
}

/** Answers every request with a fixed, oddly-formatted response. */
const FAKE_RESPONSE = "HTTP/1.1 200 OK\r\nx-Odd-Case:  spaced value \r\nX-Dup: 1\r\nX-Dup: 2\r\nContent-Length: 2\r\n\r\nok";

async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const requests: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const headEnd = pending.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const head = pending.subarray(0, headEnd + 4).toString("latin1");
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        let end = headEnd + 4 + length;
        if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
          const last = pending.indexOf("\r\n0\r\n\r\n", headEnd);
          if (last < 0) return;
          end = last + 7;
        }
        if (pending.length < end) return;
        requests.push(pending.subarray(0, end));
        pending = pending.subarray(end);
        socket.write(FAKE_RESPONSE);
        if (/\r\nconnection: *close/i.test(head)) socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends raw bytes, returns everything received until the proxy closes. */
function rawExchange(port: number, request: string | Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

describe("byte fidelity", () => {
  let upstream: RecordingUpstream;
  let local: FaultProxy;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    local = await startFaultProxy({ upstream: upstream.url });
  });
  afterAll(async () => {
    await local.stop();
    await upstream.stop();
  });

  test("request head, Host and body are forwarded byte-identical; so is the response", async () => {
    const request =
      "PUT /bucket/Key%20with%20space?partNumber=1&uploadId=a%2Fb HTTP/1.1\r\n" +
      "Host: s3.example.internal:9000\r\n" +
      "X-Amz-Date: 20240101T000000Z\r\n" +
      "x-amz-meta-MixedCase:  value with  spaces \r\n" +
      "X-Dup: 1\r\nX-Dup: 2\r\n" +
      "Content-Length: 11\r\n" +
      "Connection: close\r\n\r\n" +
      "hello world";
    const answer = await rawExchange(local.port, request);
    expect(upstream.requests.at(-1)?.toString("latin1")).toBe(request);
    expect(answer.toString("latin1")).toBe(FAKE_RESPONSE);
  });

  test("chunked request bodies are forwarded verbatim", async () => {
    const request =
      "POST /bucket/k?uploads HTTP/1.1\r\nhost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    await rawExchange(local.port, request);
    expect(upstream.requests.at(-1)?.toString("latin1")).toBe(request);
  });
});
