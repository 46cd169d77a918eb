/**
 * The hostile corpus, end to end with the compiled binary: every case lands in one watched folder
 * together and one run must settle each into the error folder (with the reason) or into a safe
 * upload, never an escape from the archive's folder, a hang, or a memory blow-up (peak RSS of the
 * whole run bounded). The cases are generated here, none is a committed binary.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { startDsp, type LogLine } from "../harness/dsp-process.ts";
import { settledViolations } from "../harness/invariants.ts";
import { peakRss } from "../harness/proc-stats.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { sidecar } from "../support/archive/archive-outcome.ts";
import { flipBit } from "../support/archive/gzip-fixtures.ts";
import { plainHeaderSevenZip } from "../support/archive/seven-zip-writer.ts";
import { concat, tarBytes } from "../support/archive/tar-writer.ts";
import { deflatedZeros } from "../support/archive/zeros-deflate.ts";
import { buildZip, buildZipDetailed, extraField } from "../support/archive/zip-writer.ts";
import { buildRar4, buildRar5 } from "../unit/archive/sevenzip/rar-fixtures.ts";

const MiB = 1024 ** 2;
const GiB = 1024 * MiB;
const AES_EXTRA = extraField(0x9901, Uint8Array.of(2, 0, 0x41, 0x45, 3, 8, 0));

/** A gzip member around a raw deflate stream (header, data, CRC-32, size mod 2^32). */
function gzipOf(deflate: Uint8Array, crc: number, size: number): Uint8Array {
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, size % 2 ** 32, true);
  return concat([Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3), deflate, trailer]);
}

/** A 7z (made by 7zz, so its header is compressed as 7-Zip writes it) of `n` empty files in folders of 1,000. */
function sevenZipOfEmptyFiles(n: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "dsp-7z-entries-"));
  try {
    for (let i = 0; i < n; i++) {
      if (i % 1000 === 0) mkdirSync(join(dir, "src", `d${i / 1000}`), { recursive: true });
      writeFileSync(join(dir, "src", `d${Math.floor(i / 1000)}`, `${i}.txt`), "");
    }
    const r = Bun.spawnSync(["7zz", "a", "-bso0", "-bsp0", join(dir, "out.7z"), "."], { cwd: join(dir, "src"), stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`7zz: ${r.stderr.toString()}`);
    return readFileSync(join(dir, "out.7z"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `files` into a fresh watched folder, runs dsp until each one settled ("uploaded" or
 * "failed"), stops it, and returns its peak RSS (logged under `what`) with the settling lines.
 */
async function settleMeasured(name: string, what: string, files: Record<string, Uint8Array>, env: Record<string, string> = {}) {
  const bucket = await newBucket(name);
  const wd = makeWorkDir(name);
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(wd.watch, file), bytes);
  const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_LOG_LEVEL: "INFO", ...env }) });
  const settled = new Map<string, LogLine>();
  for (const file of Object.keys(files)) {
    settled.set(file, await dsp.waitFor((l) => (l.msg === "uploaded" || l.msg === "failed") && l.file === file, `${file} settled`, 180_000));
  }
  const peak = peakRss(dsp.pid);
  expect(await dsp.stop()).toBe(0);
  console.log(`${what}: peak RSS ${(peak / MiB).toFixed(0)} MiB`);
  return { bucket, wd, peak, settled };
}

/** A shell pipeline's output (the real compressors make the bombs). */
function sh(cmd: string): Uint8Array {
  const r = Bun.spawnSync(["bash", "-c", cmd], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

const enc = (t: string) => new TextEncoder().encode(t);

/** A 7z whose one entry is named "../escape.txt": 7zz run in a subfolder with -spf keeps the "../". */
function sevenZipDotDot(): Uint8Array {
  const dir = join(makeWorkDir("7z-dotdot").root, "sub");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "..", "escape.txt"), text);
  sh(`cd ${dir} && 7zz a -bso0 -bsp0 -spf ../out.7z ../escape.txt`);
  return readFileSync(join(dir, "..", "out.7z"));
}

/** `times` copies of a compressed stream, concatenated: multi-stream files decode to all of them. */
const repeated = (b: Uint8Array, times: number) => concat(Array.from({ length: times }, () => b));

/** The bytes without their last `n`. */
const cut = (b: Uint8Array, n: number) => b.subarray(0, b.length - n);

/** Each case: the file name, its bytes, and where it must end ("error" with a reason, or the keys it may produce). */
interface Case {
  name: string;
  bytes: () => Uint8Array;
  reason?: RegExp;
  keys?: string[];
}

const text = "some text\n";
const cases: Case[] = [
  // Traversal in every container, and names that are not names.
  { name: "zip-dotdot.zip", bytes: () => buildZip([{ name: "ok.txt", data: text }, { name: "a/../../escape.txt", data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "zip-backslash.zip", bytes: () => buildZip([{ name: "..\\..\\escape.txt", data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "zip-drive.zip", bytes: () => buildZip([{ name: "C:\\Windows\\x.txt", data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "tar-absolute.tar", bytes: () => tarBytes([{ name: "/etc/cron.d/evil", data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "tgz-dotdot.tar.gz", bytes: () => gzipSync(tarBytes([{ name: "../../../../tmp/evil", data: text }])), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "tar-control.tar", bytes: () => tarBytes([{ name: "bad\u0007name.txt", data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "tar-latin1.tar", bytes: () => tarBytes([{ name: Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74) as unknown as string, data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "tar-long.tar", bytes: () => tarBytes([{ name: "x", pax: { path: `${"d/".repeat(600)}long.txt` }, data: text }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  // 7zz rewrites "../" when it adds a file unless -spf; RAR is crafted (7zz cannot write RAR).
  { name: "7z-dotdot.7z", bytes: () => sevenZipDotDot(), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "rar5-dotdot.rar", bytes: () => buildRar5([{ name: "ok.txt", data: enc(text) }, { name: "../../escape.txt", data: enc(text) }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "rar4-dotdot.rar", bytes: () => buildRar4([{ name: "../escape.txt", data: enc(text) }]), reason: /ARCHIVE_PATH_UNSAFE/ },
  { name: "zip-bad-utf8.zip", bytes: () => buildZip([{ name: Uint8Array.of(0x61, 0xff, 0xfe, 0x2e, 0x74), utf8: true, data: text }]), reason: /ZIP_BAD_NAME/ },
  // Links never followed: skipped, the rest uploaded.
  {
    name: "links.tar",
    bytes: () =>
      tarBytes([
        { name: "sym", typeflag: "2", linkname: "/etc/passwd" },
        { name: "hard", typeflag: "1", linkname: "../../etc/shadow" },
        { name: "fifo", typeflag: "6" },
        { name: "real.txt", data: text },
      ]),
    keys: ["links/real.txt"],
  },
  { name: "rar4-symlink.rar", bytes: () => buildRar4([{ name: "ln", symlink: "/etc/passwd" }, { name: "f.txt", data: enc(text) }]), keys: ["rar4-symlink/f.txt"] },
  { name: "rar5-symlink.rar", bytes: () => buildRar5([{ name: "ln", symlink: "/etc/passwd" }, { name: "f.txt", data: enc(text) }]), keys: ["rar5-symlink/f.txt"] },
  { name: "zip-symlink.zip", bytes: () => buildZip([{ name: "ln", data: "/etc/passwd", externalAttributes: (0o120777 << 16) >>> 0, versionMadeBy: 0x031e }, { name: "f.txt", data: text }]), keys: ["zip-symlink/f.txt"] },
  // Bombs: overlapping entries, expansion, recursion, entry count.
  {
    name: "overlap.zip",
    bytes: () => {
      const first = buildZipDetailed([{ name: "a.bin", data: new Uint8Array(4096) }]);
      return buildZip([{ name: "a.bin", data: new Uint8Array(4096) }, { name: "b.bin", centralOnly: true, localHeaderOffset: first.entries[0]!.localHeaderOffset, data: new Uint8Array(4096) }]);
    },
    reason: /ZIP_OVERLAP|ZIP_/,
  },
  {
    name: "zip-bomb.zip",
    bytes: () => {
      const z = deflatedZeros(10 * GiB);
      return buildZip([{ name: "zeros.bin", compressed: z.compressed, crc32: z.crc32, uncompressedSize: z.size }]);
    },
    reason: /ARCHIVE_LIMIT_RATIO|ARCHIVE_LIMIT_BYTES/,
  },
  {
    name: "gzip-bomb.gz",
    bytes: () => {
      const z = deflatedZeros(10 * GiB);
      return gzipOf(z.compressed, z.crc32, z.size);
    },
    reason: /ARCHIVE_LIMIT_RATIO/,
  },
  { name: "bz2-bomb.bz2", bytes: () => repeated(sh("head -c 100M /dev/zero | bzip2 -9"), 100), reason: /ARCHIVE_LIMIT_RATIO/ },
  { name: "xz-bomb.xz", bytes: () => repeated(sh("head -c 200M /dev/zero | xz -0 -T1"), 50), reason: /ARCHIVE_LIMIT_RATIO/ },
  { name: "xz-dict.xz", bytes: () => sh("head -c 1000 /dev/urandom | xz --lzma2=dict=1GiB -T1"), reason: /ARCHIVE_LIMIT_DICTIONARY/ },
  {
    name: "nested-20.zip",
    bytes: () => {
      let z = buildZip([{ name: "core.txt", data: text }]);
      for (let i = 0; i < 20; i++) z = buildZip([{ name: `l${i}.zip`, data: z, method: 0 }]);
      return z;
    },
    reason: /ARCHIVE_LIMIT_DEPTH/,
  },
  { name: "many.zip", bytes: () => buildZip(Array.from({ length: 100_000 }, (_, i) => ({ name: `f/${i}.txt`, data: "", method: 0 }))), reason: /ARCHIVE_LIMIT_ENTRIES/ },
  // The same in a stream: counted as the entries go by, stopped at the 10,001st.
  { name: "many-entries.tar.gz", bytes: () => gzipSync(tarBytes(Array.from({ length: 100_000 }, (_, i) => ({ name: `f/${i}.txt`, data: "" })))), reason: /ARCHIVE_LIMIT_ENTRIES/ },
  // Lies and damage.
  { name: "zip-lying-size.zip", bytes: () => buildZip([{ name: "x.txt", data: "0123456789".repeat(100), uncompressedSize: 10 }]), reason: /ZIP_/ },
  { name: "zip-bad-crc.zip", bytes: () => buildZip([{ name: "x.txt", data: text, crc32: 12345 }]), reason: /ZIP_BAD_CRC|ZIP_/ },
  { name: "tar-lying-size.tar", bytes: () => tarBytes([{ name: "x.txt", data: text, size: 1_000_000 }]), reason: /ARCHIVE_TRUNCATED/ },
  { name: "gz-bad-crc.gz", bytes: () => flipBit(gzipSync("a".repeat(100_000)), -6), reason: /ARCHIVE_CRC_MISMATCH|ARCHIVE_SIZE_MISMATCH|ARCHIVE_CORRUPT/ },
  { name: "truncated.zip", bytes: () => cut(buildZip([{ name: "x.txt", data: text.repeat(1000) }]), 30), reason: /ARCHIVE_TRUNCATED|ARCHIVE_CORRUPT/ },
  { name: "truncated-tar.tar.gz", bytes: () => cut(gzipSync(tarBytes([{ name: "x.txt", data: text.repeat(1000) }])), 30), reason: /ARCHIVE_TRUNCATED|ARCHIVE_CORRUPT/ },
  // Encrypted, decided from headers.
  { name: "zip-traditional.zip", bytes: () => buildZip([{ name: "s.txt", data: text, flags: 0x01 }]), reason: /encrypted/ },
  { name: "zip-aes.zip", bytes: () => buildZip([{ name: "s.txt", data: text, flags: 0x01, method: 99, centralExtra: AES_EXTRA }]), reason: /encrypted/ },
  // Wrong names and empty archives: safe uploads.
  { name: "really-text.zip", bytes: () => new TextEncoder().encode("just text, not a zip\n"), keys: ["really-text.zip"] },
  { name: "really-tar.csv", bytes: () => gzipSync(tarBytes([{ name: "in.txt", data: text }])), keys: ["really-tar.csv/in.txt"] },
  { name: "empty.zip", bytes: () => buildZip([]), keys: [] },
  { name: "empty.tar", bytes: () => new Uint8Array(10240), keys: [] },
  { name: "empty-file.gz", bytes: () => gzipSync(""), keys: ["empty-file"] },
];

test("the hostile corpus: each case ends in the error folder with its reason or in a safe upload, in one run, with memory bounded", async () => {
  const bucket = await newBucket("hostile");
  const wd = makeWorkDir("hostile");
  for (const c of cases) writeFileSync(join(wd.watch, c.name), c.bytes());
  const dsp = startDsp({ env: dspEnv(bucket, wd, { DSP_LOG_LEVEL: "INFO" }) });
  await dsp.waitForCount((l) => l.msg === "uploaded" || l.msg === "failed", cases.length, "every case settled", 240_000);
  const peak = peakRss(dsp.pid);
  expect(await dsp.stop()).toBe(0);

  const errorDir = join(wd.watch, ".dsp-errors");
  const problems: string[] = [];
  const keys = await bucket.keys();
  for (const c of cases) {
    if (c.reason) {
      if (!existsSync(join(errorDir, `${c.name}.error.json`))) {
        problems.push(`${c.name}: not in the error folder`);
        continue;
      }
      const e = JSON.parse(readFileSync(join(errorDir, `${c.name}.error.json`), "utf8")).error;
      if (!c.reason.test(`${e.reason} ${e.type}`)) problems.push(`${c.name}: reason ${e.reason} (${e.details}) does not match ${c.reason}`);
    } else {
      const folder = c.name.replace(/\.(zip|tar|gz|rar|7z)$/, "");
      const mine = keys.filter((k) => k === c.name || k === folder || k.startsWith(`${folder}/`));
      if (JSON.stringify(mine.sort()) !== JSON.stringify([...c.keys!].sort())) problems.push(`${c.name}: keys ${JSON.stringify(mine)}, expected ${JSON.stringify(c.keys)}`);
    }
  }
  expect(problems).toEqual([]);
  // Nothing outside the archives' folders: every key belongs to a case or is a manifest.
  const allowed = new Set(cases.flatMap((c) => c.keys ?? []));
  expect(keys.filter((k) => !allowed.has(k) && !k.startsWith(".dsp/manifests/"))).toEqual([]);
  expect(readdirSync(wd.root).filter((n) => n.includes("escape") || n.includes("evil"))).toEqual([]);
  expect(await bucket.multipartUploads()).toEqual([]);
  console.log(`hostile corpus: ${cases.length} cases, peak RSS ${(peak / MiB).toFixed(0)} MiB`);
  // Sixteen files at once (DSP_PARALLEL_FILES): several bombs decoding together, 7-Zip workers, and
  // the 10,000 uploads and deletions of many-entries.tar.gz, whose request garbage waits for the
  // collector. 210-271 MiB over 13 runs on 2026-11-29 (a bound of 256 MiB failed once, on the
  // binary of the previous stop too: collector timing, not growth). A blow-up (a bomb expanded in
  // memory, a listing kept whole) is hundreds of MiB to GiB above this.
  expect(peak).toBeLessThan(320 * MiB);
  expect(
    await settledViolations(bucket, {
      watch: wd.watch,
      errorDir,
      stateDir: wd.state,
      // What stayed in the folder was opened as an archive, except the text named .zip.
      isArchive: (rel) => rel !== "really-text.zip",
    }),
  ).toEqual([]);
}, 300_000);


test("a 7z of 100,000 empty files (~60 KB) fails with ARCHIVE_LIMIT_ENTRIES, 7-Zip's listing stopped at the limit, RSS bounded", async () => {
  const { bucket, wd, peak } = await settleMeasured("entries7z", "7z of 100,000 entries", { "entries-bomb.7z": sevenZipOfEmptyFiles(100_000) });
  const error = sidecar(wd, "entries-bomb.7z").error;
  expect(error.reason).toBe("ARCHIVE_LIMIT_ENTRIES");
  expect(error.details).toContain("DSP_ARCHIVE_MAX_ENTRIES allows 10000");
  // Before the listing was stopped at the limit: 460 MiB (the listing's text, then 100,000 parsed
  // records). 7-Zip's own database of 100,000 entries fits its start-up heap (16 MiB).
  expect(peak).toBeLessThan(200 * MiB);
  expect(await bucket.keys()).toEqual([]);
}, 240_000);

test("RAR entry-count bombs: 100,000 empty files fail with ARCHIVE_LIMIT_ENTRIES, 1,000,000 with ARCHIVE_LIMIT_MEMORY (7-Zip reads every header first), RSS bounded", async () => {
  const empty = (n: number) => buildRar5(Array.from({ length: n }, (_, i) => ({ name: i.toString(36), data: new Uint8Array(0) })));
  const { bucket, wd, peak } = await settleMeasured("entriesrar", "RAR entry-count bombs", { "many.rar": empty(100_000), "million.rar": empty(1_000_000) });
  expect(sidecar(wd, "many.rar").error.reason).toBe("ARCHIVE_LIMIT_ENTRIES");
  expect(sidecar(wd, "many.rar").error.details).toContain("DSP_ARCHIVE_MAX_ENTRIES allows 10000");
  expect(sidecar(wd, "million.rar").error.reason).toBe("ARCHIVE_LIMIT_MEMORY");
  expect(sidecar(wd, "million.rar").error.details).toContain("to read the archive's headers");
  // Two 7-Zip workers at once; ~225 MiB. Before 7-Zip's heap was capped: 340 MiB.
  expect(peak).toBeLessThan(280 * MiB);
  expect(await bucket.keys()).toEqual([]);
}, 240_000);

test("a RAR of 100,000 folders with the entry limit raised to let it through: 7-Zip's listing is parsed as it streams, RSS bounded", async () => {
  const folders = buildRar5(Array.from({ length: 100_000 }, (_, i) => ({ name: `d${i}`, directory: true })));
  const { peak, settled } = await settleMeasured("rarlisting", "RAR of 100,000 folders, all listed", { "folders.rar": folders }, { DSP_ARCHIVE_MAX_ENTRIES: "200000" });
  expect(settled.get("folders.rar")?.msg).toBe("uploaded");
  // When every piece 7-Zip writes the listing in (a field or less) was kept, then joined and
  // parsed whole, this run peaked at 798 MiB; now ~260 MiB.
  expect(peak).toBeLessThan(400 * MiB);
}, 240_000);

test("a 7z of 3,000,000 empty files fails with ARCHIVE_LIMIT_MEMORY while 7-Zip reads its header: 7-Zip's memory is capped, RSS bounded", async () => {
  // Short names keep the file small (33 MB, a plain header). 7-Zip builds its whole database before
  // it lists a single entry, so the entry limit cannot stop it: only the cap on its heap can.
  const bomb = plainHeaderSevenZip(3_000_000, (i) => i.toString(36));
  const { bucket, wd, peak } = await settleMeasured("heap7z", "7z of 3,000,000 entries (plain header)", { "header-bomb.7z": bomb });
  const error = sidecar(wd, "header-bomb.7z").error;
  expect(error.reason).toBe("ARCHIVE_LIMIT_MEMORY");
  expect(error.details).toContain("to read the archive's headers");
  expect(error.details).toContain("DSP_ARCHIVE_MAX_ENTRIES");
  // Without the cap this run peaked at 252 MiB (and it failed on the entry limit, after the damage).
  expect(peak).toBeLessThan(200 * MiB);
  expect(await bucket.keys()).toEqual([]);
}, 240_000);
