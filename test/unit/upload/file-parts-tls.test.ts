/**
 * Regression: parts of one file sent concurrently over HTTPS each carry their own bytes.
 * Slices of a shared descriptor (Bun.file(fd).slice) share one file offset, and Bun reads a Blob
 * body it must encrypt with seek+read: concurrent parts got each other's bytes (Content-MD5 made
 * S3 refuse them, over and over). The parts now name the file through /proc/self/fd, so every read
 * has an offset of its own. A real TLS server (Bun.serve with a throwaway certificate) receives the
 * parts through real fetch calls, as the S3 client sends them.
 */
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileParts } from "../../../src/upload/file-parts.ts";
import type { Part } from "../../../src/upload/part.ts";
import { Semaphore } from "../../../src/util/semaphore.ts";
import { BufferPool } from "../../../src/util/buffer-pool.ts";

const HASH = 256 * 1024;
import { payload } from "../../support/payload.ts";

const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), "dsp-file-parts-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("parts of one file sent concurrently over TLS carry their own bytes", async () => {
  const cert = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"]);
  expect(cert.status).toBe(0);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { key: Bun.file(join(dir, "key.pem")), cert: Bun.file(join(dir, "cert.pem")) },
    async fetch(req) {
      return new Response(createHash("md5").update(new Uint8Array(await req.arrayBuffer())).digest("hex"));
    },
  });
  try {
    const path = join(dir, "data.bin");
    writeFileSync(path, payload(48 * MiB, 17));
    const handle = await open(path, "r");
    const parts: Part[] = [];
    for await (const p of { [Symbol.asyncIterator]: () => fileParts({ handle, fd: handle.fd, size: 48 * MiB, file: "data.bin" }, { partSize: 6 * MiB, budget: new Semaphore(1024 * MiB), hashBuffers: new BufferPool(HASH, 4), slicesUseMemory: true }) }) {
      parts.push(p);
    }
    for (let round = 0; round < 3; round++) {
      const received = await Promise.all(
        parts.map(async (p) => {
          const res = await fetch(`https://127.0.0.1:${server.port}/`, { method: "PUT", body: p.body, tls: { rejectUnauthorized: false } } as RequestInit);
          return await res.text();
        }),
      );
      expect(received).toEqual(parts.map((p) => Buffer.from(p.md5).toString("hex")));
    }
    await handle.close();
  } finally {
    server.stop(true);
  }
});
