/**
 * The transport against a local HTTP server that records requests and plays S3's answers: the
 * headers every request carries, how refusals become S3Errors (with and without a body), and the
 * error S3 may put inside a 200 answer to CompleteMultipartUpload. Signatures and encodings are
 * checked for real by the integration tests (the S3 servers verify SigV4).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { S3Error } from "../../../src/upload/s3-api.ts";
import { SignedFetchS3 } from "../../../src/upload/s3-signed-fetch.ts";
import type { S3Config } from "../../../src/config/config.ts";

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

let server: ReturnType<typeof Bun.serve>;
const seen: Seen[] = [];
let answer: () => Response = () => new Response("");

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      seen.push({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body: await req.text() });
      return answer();
    },
  });
});
afterAll(() => server.stop(true));

function client(): SignedFetchS3 {
  const cfg: S3Config = {
    bucket: "bkt",
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${server.port}`,
    accessKeyId: "AKID",
    secretAccessKey: "SECRET",
    forcePathStyle: true,
    prefix: "",
    checksumMode: "when_required",
    requestTimeoutMs: 5000,
    verifyEtag: true,
  };
  return new SignedFetchS3(cfg);
}

const signal = () => new AbortController().signal;

describe("SignedFetchS3", () => {
  test("PutObject sends a signed request with Content-MD5, type, metadata and an unsigned payload", async () => {
    answer = () => new Response("", { headers: { etag: '"abc"' } });
    const out = await client().putObject(
      { key: "a b/c.txt", body: new TextEncoder().encode("hello"), size: 5, md5: "XUFAKrxLKna5cZ2REBfFkg==", contentType: "text/plain", metadata: { "dsp-source": "a%20b" } },
      signal(),
    );
    expect(out.etag).toBe('"abc"');
    const r = seen.at(-1)!;
    expect(r.method).toBe("PUT");
    expect(new URL(r.url).pathname).toBe("/bkt/a%20b/c.txt");
    expect(r.headers["content-md5"]).toBe("XUFAKrxLKna5cZ2REBfFkg==");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-amz-meta-dsp-source"]).toBe("a%20b");
    expect(r.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    expect(r.headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^,]*content-md5[^,]*host[^,]*x-amz-meta-dsp-source/);
    expect(r.headers["transfer-encoding"]).toBeUndefined();
    expect(r.headers["content-length"]).toBe("5");
    expect(r.body).toBe("hello");
  });

  test("a refusal with an XML body becomes an S3Error with its code and status", async () => {
    answer = () => new Response(`<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`, { status: 503 });
    const err = await client().headBucket(signal()).catch((e) => e);
    // HEAD answers have no body even when the server sends one
    expect(err).toBeInstanceOf(S3Error);
    expect(err.$metadata.httpStatusCode).toBe(503);
    const put = await client()
      .putObject({ key: "k", body: new Uint8Array(1), size: 1, md5: "x", contentType: "a/b", metadata: {} }, signal())
      .catch((e) => e);
    expect(put).toMatchObject({ name: "SlowDown", Code: "SlowDown", $metadata: { httpStatusCode: 503 } });
    expect(put.message).toBe("SlowDown: Please reduce your request rate.");
  });

  test("a HEAD refusal is named after its status", async () => {
    answer = () => new Response(null, { status: 404 });
    const err = await client().headObject("missing", signal()).catch((e) => e);
    expect(err).toMatchObject({ name: "NotFound", $metadata: { httpStatusCode: 404 } });
    answer = () => new Response(null, { status: 403 });
    expect(await client().headBucket(signal()).catch((e) => e)).toMatchObject({ name: "Forbidden", $metadata: { httpStatusCode: 403 } });
  });

  test("HeadObject reads ETag, size, type and user metadata", async () => {
    answer = () => new Response(null, { headers: { etag: '"e-2"', "content-length": "123", "content-type": "application/pdf", "x-amz-meta-dsp-source": "x" } });
    const h = await client().headObject("k", signal());
    expect(h).toEqual({ etag: '"e-2"', size: 123, contentType: "application/pdf", metadata: { "dsp-source": "x" } });
  });

  test("multipart: create reads the UploadId, complete posts the part list, an error inside a 200 is an error", async () => {
    answer = () => new Response(`<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>`);
    expect(await client().createMultipartUpload({ key: "k", contentType: "x/y", metadata: {} }, signal())).toEqual({ uploadId: "u-1" });
    expect(new URL(seen.at(-1)!.url).search).toBe("?uploads");

    answer = () => new Response(`<CompleteMultipartUploadResult><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>`);
    const done = await client().completeMultipartUpload({ key: "k", uploadId: "u-1", parts: [{ partNumber: 1, etag: '"p1"' }] }, signal());
    expect(done.etag).toBe('"abc-2"');
    expect(seen.at(-1)!.body).toContain("<PartNumber>1</PartNumber><ETag>&quot;p1&quot;</ETag>");

    answer = () => new Response(`<?xml version="1.0"?>\n\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>`);
    const err = await client().completeMultipartUpload({ key: "k", uploadId: "u-1", parts: [] }, signal()).catch((e) => e);
    expect(err).toMatchObject({ Code: "InternalError", $metadata: { httpStatusCode: 500 } });
  });

  test("with CRC-32 checksums the headers and the part list carry them", async () => {
    answer = () => new Response(`<InitiateMultipartUploadResult><UploadId>u-2</UploadId></InitiateMultipartUploadResult>`);
    await client().createMultipartUpload({ key: "k", contentType: "x/y", metadata: {}, crc32: true }, signal());
    expect(seen.at(-1)!.headers["x-amz-checksum-algorithm"]).toBe("CRC32");
    answer = () => new Response("", { headers: { etag: '"p"' } });
    await client().uploadPart({ key: "k", uploadId: "u-2", partNumber: 1, body: new Uint8Array(3), size: 3, md5: "m", crc32: "AAAAAA==" }, signal());
    expect(seen.at(-1)!.headers["x-amz-checksum-crc32"]).toBe("AAAAAA==");
  });
});
