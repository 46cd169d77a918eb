/**
 * A corpus of real RAR archives, end to end with the binary and the real S3 server: the test files
 * of Python's rarfile 4.5 (downloaded and checked by SHA-256 in scripts/setup.sh), made by rar 1.5
 * to 5 over the years. They cover what rar 7 no longer writes: compressed and solid RAR 4 (the 2.9
 * format of rar 3.x/4.x), RAR 4 Unicode names and symlinks, encrypted RAR 4 data and headers, old
 * and new volumes; and RAR 5 oddities (comments, BLAKE2 checksums, file copies, quick-open data).
 *
 * The oracle is rarfile's own expected listing (`<archive>.exp`, written by rarfile's author from
 * rar's output): every regular file there (not a directory, not a link or copy) must be in S3 at
 * `<archive stem>/<name>` with its size and, where the listing gives one, its CRC-32; nothing else.
 * The archives dsp must refuse are listed with their reasons.
 */
import { expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { expectRefused } from "../support/archive/archive-outcome.ts";

const CORPUS = join(import.meta.dir, "../.corpus/rarfile-4.5");

/** Read as they should be: every regular file uploaded, links and copies skipped. */
const GOOD = [
  "rar3-solid", "rar3-subdirs", "rar3-symlink-unix", "rar3-comment-plain", "rar3-versions", "rar3-owner",
  "rar3-readonly-unix", "rar3-readonly-win", "unicode", "unicode2", "seektest",
  "ctime0", "ctime1", "ctime2", "ctime3", "ctime4", "ctime5",
  "rar5-blake", "rar5-crc", "rar5-solid", "rar5-solid-qo", "rar5-quick-open", "rar5-subdirs", "rar5-symlink-unix",
  "rar5-symlink-win", "rar5-hlink", "rar5-dups", "rar5-times", "rar5-times2", "rar5-versions", "rar5-owner",
  "rar5-readonly-unix", "rar5-readonly-win",
];

/** Refused, with the reason the error folder gives. */
const BAD: Record<string, string> = {
  "rar3-comment-psw": "encrypted", // RAR 4, encrypted data
  "rar3-comment-hpsw": "encrypted", // RAR 4, encrypted headers
  "rar5-psw": "encrypted",
  "rar5-psw-blake": "encrypted",
  "rar5-hpsw": "encrypted",
  "rar3-vols.part1": "ARCHIVE_UNSUPPORTED", // one volume of a set
  "rar5-vols.part1": "ARCHIVE_UNSUPPORTED",
  "rar15-comment": "ARCHIVE_UNSUPPORTED", // RAR 1.5: no end-of-archive block to tell a cut
  "rar2-unix-owner": "ARCHIVE_UNSUPPORTED", // RAR 2.0, the same
  "rar5-evil-symlink-traversal": "ARCHIVE_PATH_UNSAFE", // "up" -> "..", then "up/pwned.txt"
};

/**
 * Older versions of a file (`rar -ver`), which rarfile's listing leaves out: dsp uploads every
 * version under the name 7-Zip gives it (decided, docs/archives.md), the latest under its own name.
 */
const OLD_VERSIONS: Record<string, string[]> = {
  "rar3-versions": ["versioned.txt;1", "versioned.txt;2"],
  "rar5-versions": ["[VER]/1/versioned.txt", "[VER]/2/versioned.txt"],
};

interface Expected {
  name: string;
  size: number;
  crc?: number;
}

/** The regular files of an archive, from rarfile's expected listing. */
function expectedFiles(archive: string): Expected[] {
  const out: Expected[] = [];
  let current: (Expected & { regular: boolean }) | undefined;
  const flush = () => {
    if (current?.regular) out.push({ name: current.name, size: current.size, ...(current.crc === undefined ? {} : { crc: current.crc }) });
    current = undefined;
  };
  for (const line of readFileSync(join(CORPUS, `${archive}.rar.exp`), "utf8").split("\n")) {
    const head = /^(?:R5_)?FILE: .* is=(\S+)/.exec(line);
    if (head) {
      flush();
      current = { name: "", size: -1, regular: head[1] === "F--" };
      continue;
    }
    if (/^\S/.test(line)) flush(); // another kind of block (archive header, service header)
    if (!current) continue;
    const name = /^\s+name=(.*)$/.exec(line);
    if (name && current.name === "") current.name = name[1]!;
    const dec = /\bdec=(\d+)/.exec(line);
    if (dec && current.size < 0) current.size = Number(dec[1]);
    const crc = /^\s+crc=0x([0-9a-f]{8})/.exec(line);
    if (crc) current.crc = Number.parseInt(crc[1]!, 16);
    if (/^\s+redir: /.test(line)) current.regular = false; // a link or a file copy: skipped
  }
  flush();
  return out;
}

test("rarfile's corpus of real RAR 1.5-5 archives: every regular file in S3 with its size and CRC-32, the bad ones refused for their reason", async () => {
  if (!existsSync(join(CORPUS, ".complete"))) throw new Error(`the RAR corpus is missing: run scripts/setup.sh --with-test-tools (it unpacks it into ${CORPUS})`);
  const bucket = await newBucket("rarcorpus");
  const wd = makeWorkDir("rarcorpus");
  for (const name of [...GOOD, ...Object.keys(BAD)]) copyFileSync(join(CORPUS, `${name}.rar`), join(wd.watch, `${name}.rar`));

  const r = await runDsp({ env: dspEnv(bucket, wd), args: ["run", "--once"] });
  expect(r.code).toBe(3); // --once: the bad ones failed

  const problems: string[] = [];
  const allKeys = new Set((await bucket.keys()).map((k) => k.normalize("NFC")));
  for (const archive of GOOD) {
    const expected = expectedFiles(archive);
    if (expected.length === 0) problems.push(`${archive}: the expected listing has no regular file (parser?)`);
    const want = [...expected.map((e) => e.name), ...(OLD_VERSIONS[archive] ?? [])].map((n) => `${archive}/${n}`.normalize("NFC")).sort();
    const got = [...allKeys].filter((k) => k.startsWith(`${archive}/`)).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`${archive}: keys ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      continue;
    }
    for (const e of expected) {
      const bytes = await bucket.bytes(`${archive}/${e.name}`.normalize("NFC"));
      if (bytes.length !== e.size) problems.push(`${archive}/${e.name}: ${bytes.length} bytes, expected ${e.size}`);
      if (e.crc !== undefined && crc32(bytes) >>> 0 !== e.crc) problems.push(`${archive}/${e.name}: CRC-32 ${crc32(bytes).toString(16)}, expected ${e.crc.toString(16)}`);
    }
    if (!allKeys.has(`.dsp/manifests/${archive}.rar.json`)) problems.push(`${archive}: no manifest`);
  }
  expect(problems).toEqual([]);
  // RAR 4 itself, compressed and solid (method 3, unpack version 2.9): the two files rar 3 wrote.
  expect(expectedFiles("rar3-solid")).toEqual([
    { name: "stest1.txt", size: 2048, crc: 0xc5b7e6a2 },
    { name: "stest2.txt", size: 2048, crc: 0xc5b7e6a2 },
  ]);
  // Links were skipped with a warning, not followed: RAR 4 (read from its headers) and RAR 5.
  for (const [archive, link] of [["rar3-symlink-unix", "data_link"], ["rar5-symlink-unix", "data_link"], ["rar5-hlink", "stest2.txt"]] as const) {
    const skipped = r.lines.some((l) => l.msg === "archive entry skipped" && l.file === `${archive}.rar` && String(l.entry).endsWith(link));
    if (!skipped) problems.push(`${archive}: no "archive entry skipped" for ${link}`);
  }
  expect(problems).toEqual([]);

  for (const [archive, reason] of Object.entries(BAD)) await expectRefused(bucket, wd, `${archive}.rar`, archive, reason);
}, 240_000);
