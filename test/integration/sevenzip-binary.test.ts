/**
 * The 7-Zip reader inside the compiled binary (`dist/dsp inspect`, which reads an archive exactly
 * as `dsp run` does): its worker is loaded from Bun's embedded file system and 7-Zip's WASM from the
 * embedded bytes, the archive is read in place (a top-level 7z) or from memory (a 7z nested in a
 * ZIP), and nothing is written to disk (strace).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { DSP_BINARY } from "../harness/dsp-process.ts";
import { buildZip } from "../support/archive/zip-writer.ts";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRar5 } from "../unit/archive/sevenzip/rar-fixtures.ts";
import { csvText, make7z, noise, tempDir, writeTree } from "../unit/archive/sevenzip/sevenzip-support.ts";

const tmp = tempDir();
const TREE = { "a.csv": csvText(2_000_000, 4), "b.bin": noise(300_000, 2), "c/d.txt": "deep\n", "empty.txt": "" };
const STRACE = "/usr/bin/strace";
const TRACED = "open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat,truncate";

const sha256 = (b: string | Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

beforeAll(() => writeTree(join(tmp.dir, "src"), TREE));
afterAll(() => tmp.remove());

interface Report {
  files: { path: string; bytes: number; sha256: string }[];
  error?: { code: string };
}

/** `dsp inspect --json --hash ARCHIVE` under strace. */
function run(archive: string): { report: Report; status: number | null; written: string[]; trace: string } {
  const cwd = join(tmp.dir, "cwd");
  const tmpdir = join(tmp.dir, "tmpdir");
  mkdirSync(cwd, { recursive: true });
  mkdirSync(tmpdir, { recursive: true });
  const trace = join(tmp.dir, "trace.txt");
  const traced = existsSync(STRACE);
  const args = [DSP_BINARY, "inspect", "--json", "--hash", archive];
  const cmd = traced ? [STRACE, "-f", "-qq", "-e", "signal=none", "-e", `trace=${TRACED}`, "-o", trace, ...args] : args;
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd, encoding: "utf8", env: { ...process.env, TMPDIR: tmpdir } });
  const written: string[] = [];
  const traceText = traced ? readFileSync(trace, "utf8") : "";
  if (traced) {
    for (const line of traceText.split("\n")) {
      // Threads interleave: a call is split into "openat(... <unfinished ...>" (which has the flags)
      // and "<... openat resumed>) = fd".
      if (line === "" || line.includes("ENOENT") || /<\.\.\. \w+ resumed>/.test(line)) continue;
      const isOpen = /\bopenat2?\(|\bopen\(/.test(line);
      if (!isOpen || /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(line)) written.push(line);
    }
  }
  written.push(...readdirSync(tmpdir).map((f) => `left in TMPDIR: ${f}`), ...readdirSync(cwd).map((f) => `left in cwd: ${f}`));
  return { report: JSON.parse(r.stdout) as Report, status: r.status, written, trace: traceText };
}

test("7z read in place and nested in a ZIP (from memory): exact files, nothing written", () => {
  const archive = make7z(join(tmp.dir, "src"), join(tmp.dir, "t.7z"), ["."], ["-m0=LZMA2", "-ms=on"]);
  const outer = join(tmp.dir, "outer.zip");
  writeFileSync(outer, buildZip([{ name: "inner.7z", data: readFileSync(archive), method: 0 }]));
  for (const [file, folder] of [[archive, "t"], [outer, "outer/inner"]] as const) {
    const { report, status, written, trace } = run(file);
    expect(status).toBe(0);
    expect(written).toEqual([]);
    if (existsSync(STRACE)) expect(trace).toContain(`"${file}", O_RDONLY`); // the trace does see the binary's opens
    expect(report.files.length).toBe(4);
    for (const [path, content] of Object.entries(TREE)) {
      expect(report.files.find((f) => f.path === `${folder}/${path}`)).toMatchObject({ bytes: Buffer.byteLength(content), sha256: sha256(content) });
    }
  }
});

test("RAR5 and an encrypted 7z in the binary", () => {
  const rar = join(tmp.dir, "t.rar");
  const data = noise(50_000, 9);
  writeFileSync(rar, buildRar5([{ name: "x.bin", data }]));
  const ok = run(rar);
  expect(ok.written).toEqual([]);
  expect(ok.report.files[0]).toMatchObject({ path: "t/x.bin", bytes: data.length, sha256: sha256(data) });
  const enc = make7z(join(tmp.dir, "src"), join(tmp.dir, "enc.7z"), ["a.csv"], ["-pX", "-mhe=on"]);
  const refused = run(enc);
  expect(refused.status).toBe(3);
  expect(refused.report.error).toMatchObject({ code: "ARCHIVE_ENCRYPTED" });
});
