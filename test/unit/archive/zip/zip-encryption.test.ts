/**
 * Encryption is decided from headers only (general purpose bit 0, AES method 99 and its 0x9901
 * field, strong encryption bit 6, central directory encryption in the ZIP64 end record v2), never
 * by trying to extract; unsupported compression methods are named. Real archives from `zip -P`
 * and Python (bzip2, lzma) check the same against tools that did not write them.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, type RandomAccessSource } from "../../../../src/archive/zip/random-access-source.ts";
import { openZip } from "../../../../src/archive/zip/zip-reader.ts";
import { buildZip, buildZipDetailed, extraField } from "../../../support/archive/zip-writer.ts";
import { expectArchiveError, listEntries, openBytes, readEntry, run, scratchDir } from "./zip-test-support.ts";

const scratch = scratchDir("encryption");
afterAll(scratch.remove);

/** A source that records the offsets read, to prove encrypted data is never touched. */
function recording(bytes: Uint8Array): { source: RandomAccessSource; reads: number[] } {
  const reads: number[] = [];
  return { reads, source: { size: bytes.length, read: (pos, len) => (reads.push(pos), bytesSource(bytes).read(pos, len)) } };
}

const AES_EXTRA = extraField(0x9901, Uint8Array.of(2, 0, 0x41, 0x45, 3, 8, 0)); // AE-2, AES-256, deflate

describe("encryption", () => {
  const cases = [
    { label: "traditional PKWARE (bit 0)", spec: { flags: 0x01 }, kind: "traditional" },
    { label: "WinZip AES (method 99 + 0x9901)", spec: { flags: 0x01, method: 99, centralExtra: AES_EXTRA }, kind: "aes" },
    { label: "AES method 99 without bit 0", spec: { method: 99 }, kind: "aes" },
    { label: "strong encryption (bits 0 and 6)", spec: { flags: 0x41 }, kind: "strong" },
    { label: "strong encryption header 0x0017", spec: { flags: 0x01, centralExtra: extraField(0x0017, new Uint8Array(8)) }, kind: "strong" },
  ] as const;

  for (const c of cases) {
    test(`${c.label} is ARCHIVE_ENCRYPTED, decided without reading the data`, async () => {
      const built = buildZipDetailed([{ name: "plain.txt", data: "visible" }, { name: "secret.csv", data: "ciphertext here", ...c.spec }]);
      const { source, reads } = recording(built.bytes);
      const reader = await openZip(source);
      const [plain, secret] = await listEntries(reader);
      expect(secret).toMatchObject({ encrypted: true, encryption: c.kind });
      expect(plain!.encrypted).toBe(false);
      expect(reader.problem(secret!)?.code).toBe("ARCHIVE_ENCRYPTED");
      reads.length = 0;
      const err = await expectArchiveError(readEntry(reader, secret!), "ARCHIVE_ENCRYPTED");
      expect(err.entry).toBe("secret.csv");
      expect(err.message).toContain(c.kind);
      expect(reads).toEqual([]); // not even the local header
    });
  }

  test("central directory encryption (ZIP64 end record version 2 with an algorithm) fails the whole archive", async () => {
    const built = buildZipDetailed([{ name: "masked", data: "x" }], { zip64End: true });
    const b = Buffer.from(built.bytes);
    const record = b.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    const v2 = Buffer.alloc(28);
    v2.writeUInt16LE(0x660e, 18); // AlgId: AES-128
    const patched = Buffer.concat([b.subarray(0, record + 56), v2, b.subarray(record + 56)]);
    patched.writeBigUInt64LE(44n + 28n, record + 4);
    patched.writeUInt16LE(62, record + 14); // version needed to extract: 6.2
    await expectArchiveError(openBytes(patched), "ARCHIVE_ENCRYPTED");
  });

  test("zip -P (Info-ZIP's traditional encryption) is detected", async () => {
    const file = join(scratch.dir, "data.csv");
    writeFileSync(file, "a,b\n1,2\n");
    const zip = join(scratch.dir, "secret.zip");
    expect(run("zip", ["-j", "-q", "-P", "hunter2", zip, file]).status).toBe(0);
    const reader = await openBytes(readFileSync(zip));
    const [e] = await listEntries(reader);
    expect(e).toMatchObject({ name: "data.csv", encrypted: true, encryption: "traditional" });
    await expectArchiveError(readEntry(reader, e!), "ARCHIVE_ENCRYPTED");
  });
});

describe("unsupported compression methods", () => {
  for (const [method, name] of [
    [9, "deflate64"],
    [12, "bzip2"],
    [14, "lzma"],
    [93, "zstd"],
    [95, "xz"],
    [1, "shrink"],
    [6, "implode"],
    [77, ""],
  ] as const) {
    test(`method ${method} is ARCHIVE_UNSUPPORTED, naming the method`, async () => {
      const reader = await openBytes(buildZip([{ name: "e", data: "x", method, compressed: new Uint8Array(10), uncompressedSize: 1 }]));
      const [e] = await listEntries(reader);
      const err = await expectArchiveError(readEntry(reader, e!), "ARCHIVE_UNSUPPORTED");
      expect(err.message).toContain(`unsupported compression method ${method}${name ? ` (${name})` : ""}`);
    });
  }

  test("Python's bzip2 and lzma archives list fine and refuse extraction with the method", async () => {
    const path = join(scratch.dir, "methods.zip");
    const script = `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(zipfile.ZipInfo('b.txt'), b'bzip2 ' * 100, compress_type=zipfile.ZIP_BZIP2)
    z.writestr(zipfile.ZipInfo('l.txt'), b'lzma ' * 100, compress_type=zipfile.ZIP_LZMA)
    z.writestr('d.txt', b'deflate ' * 100, compress_type=zipfile.ZIP_DEFLATED)
`;
    expect(run("python3", ["-c", script, path]).status).toBe(0);
    const reader = await openBytes(readFileSync(path));
    const [b, l, d] = await listEntries(reader);
    expect((await expectArchiveError(readEntry(reader, b!), "ARCHIVE_UNSUPPORTED")).message).toContain("12 (bzip2)");
    expect((await expectArchiveError(readEntry(reader, l!), "ARCHIVE_UNSUPPORTED")).message).toContain("14 (lzma)");
    expect((await readEntry(reader, d!)).toString()).toBe("deflate ".repeat(100));
  });
});
