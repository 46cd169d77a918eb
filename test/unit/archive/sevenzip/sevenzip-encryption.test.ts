/**
 * Encrypted 7z and RAR are refused with ARCHIVE_ENCRYPTED, decided from headers and the listing,
 * before anything is decoded, and never by waiting on a password prompt (each test would time out).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isArchiveError } from "../../../../src/archive/archive-error.ts";
import { liveSevenZipWorkers, openSevenZip } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";
import { buildRar4, buildRar5 } from "./rar-fixtures.ts";
import { make7z, tempDir, writeTree } from "./sevenzip-support.ts";

const tmp = tempDir();
const src = join(tmp.dir, "src");
const enc = new TextEncoder();

beforeAll(() => writeTree(src, { "secret.txt": "top secret\n", "plain/readme.txt": "readme\n" }));
afterAll(() => tmp.remove());

async function refusal(source: { path: string } | { bytes: Uint8Array }, format: "7z" | "rar") {
  try {
    const reader = await openSevenZip(source, format, { name: "enc" });
    await reader.close();
  } catch (err) {
    if (!isArchiveError(err)) throw err;
    return err;
  }
  throw new Error("opened an encrypted archive");
}

test("7z with encrypted data (-p): ARCHIVE_ENCRYPTED naming the entry", async () => {
  const archive = make7z(src, join(tmp.dir, "data.7z"), ["."], ["-pSECRET"]);
  const err = await refusal({ path: archive }, "7z");
  expect(err.code).toBe("ARCHIVE_ENCRYPTED");
  expect(err.context.entry).toBeString();
  expect(err.context.reason).toBe("encrypted");
  expect(liveSevenZipWorkers()).toBe(0);
});

test("7z with encrypted headers (-p -mhe=on): ARCHIVE_ENCRYPTED, no prompt, no hang", async () => {
  const archive = make7z(src, join(tmp.dir, "headers.7z"), ["."], ["-pSECRET", "-mhe=on"]);
  const err = await refusal({ path: archive }, "7z");
  expect(err.code).toBe("ARCHIVE_ENCRYPTED");
  expect(err.context.headers).toBe(true);
});

test("7z: one encrypted entry among plain ones fails the whole archive", async () => {
  const archive = join(tmp.dir, "mixed.7z");
  make7z(src, archive, ["plain"]);
  make7z(src, archive, ["secret.txt"], ["-pSECRET"]); // adds an encrypted entry to the archive
  const err = await refusal({ path: archive }, "7z");
  expect(err.code).toBe("ARCHIVE_ENCRYPTED");
  expect(err.context.entry).toBe("secret.txt");
});

test("RAR5: an encrypted entry (file encryption record) is refused, the plain one does not make it pass", async () => {
  const bytes = buildRar5([
    { name: "s.txt", data: enc.encode("secret"), encrypted: true },
    { name: "p.txt", data: enc.encode("plain") },
  ]);
  const err = await refusal({ bytes }, "rar");
  expect(err.code).toBe("ARCHIVE_ENCRYPTED");
  expect(err.context.entry).toBe("s.txt");
});

test("RAR5 with encrypted headers (archive encryption header): refused from the header", async () => {
  const path = join(tmp.dir, "h5.rar");
  writeFileSync(path, buildRar5([], { encryptHeaders: true }));
  const err = await refusal({ path }, "rar");
  expect(err.code).toBe("ARCHIVE_ENCRYPTED");
});

test("RAR4: encrypted entry flag and encrypted-headers flag are both refused", async () => {
  const entry = await refusal({ bytes: buildRar4([{ name: "p.txt", data: enc.encode("plain") }, { name: "s.txt", data: enc.encode("secret"), encrypted: true }]) }, "rar");
  expect(entry.code).toBe("ARCHIVE_ENCRYPTED");
  expect(entry.context.entry).toBe("s.txt");
  const headers = await refusal({ bytes: buildRar4([], { encryptHeaders: true }) }, "rar");
  expect(headers.code).toBe("ARCHIVE_ENCRYPTED");
  expect(liveSevenZipWorkers()).toBe(0);
});
