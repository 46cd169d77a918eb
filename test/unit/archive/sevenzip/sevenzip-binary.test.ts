/**
 * The reader inside a compiled binary: its worker is loaded from Bun's embedded file system and
 * 7-Zip's WASM from the embedded bytes, and nothing is written to disk (strace). The binary is
 * src/archive/sevenzip/selftest.ts built like dist/dsp (same flags, src/ as the root, the worker as
 * an entrypoint), so the worker's embedded path is the one dist/dsp uses.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRar5 } from "./rar-fixtures.ts";
import { csvText, make7z, noise, tempDir, writeTree } from "./sevenzip-support.ts";

const root = new URL("../../../../", import.meta.url).pathname;
const tmp = tempDir();
const bin = join(tmp.dir, "selftest");
const TREE = { "a.csv": csvText(2_000_000, 4), "b.bin": noise(300_000, 2), "c/d.txt": "deep\n", "empty.txt": "" };
const STRACE = "/usr/bin/strace";
const TRACED = "open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat,truncate";

const sha256 = (b: string | Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

beforeAll(() => {
  const r = spawnSync(
    "bun",
    ["build", "--compile", "--bytecode", "--format=esm", "--minify", "--sourcemap=none", "--root", join(root, "src"),
      join(root, "src/archive/sevenzip/selftest.ts"), join(root, "src/archive/sevenzip/sevenzip-worker.ts"), "--outfile", bin],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`bun build failed: ${r.stdout}\n${r.stderr}`);
  writeTree(join(tmp.dir, "src"), TREE);
});
afterAll(() => tmp.remove());

function run(args: string[]): { lines: Record<string, unknown>[]; status: number | null; written: string[]; trace: string } {
  const cwd = join(tmp.dir, "cwd");
  const tmpdir = join(tmp.dir, "tmpdir");
  mkdirSync(cwd, { recursive: true });
  mkdirSync(tmpdir, { recursive: true });
  const trace = join(tmp.dir, "trace.txt");
  const traced = existsSync(STRACE);
  const cmd = traced ? [STRACE, "-f", "-qq", "-e", "signal=none", "-e", `trace=${TRACED}`, "-o", trace, bin, ...args] : [bin, ...args];
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
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, status: r.status, written, trace: traceText };
}

test("7z from a path and from bytes: exact files, worker closed, nothing written", () => {
  const archive = make7z(join(tmp.dir, "src"), join(tmp.dir, "t.7z"), ["."], ["-m0=LZMA2", "-ms=on"]);
  for (const mode of [[], ["--bytes"]]) {
    const { lines, status, written, trace } = run([archive, "7z", ...mode]);
    expect(status).toBe(0);
    expect(written).toEqual([]);
    if (existsSync(STRACE)) expect(trace).toContain(`"${archive}", O_RDONLY`); // the trace does see the binary's opens
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ files: 4, liveWorkers: 0 });
    for (const [path, content] of Object.entries(TREE)) {
      expect(lines.find((l) => l.path === path)).toMatchObject({ size: Buffer.byteLength(content), sha256: sha256(content) });
    }
  }
});

test("RAR5 and an encrypted 7z in the binary", () => {
  const rar = join(tmp.dir, "t.rar");
  const data = noise(50_000, 9);
  writeFileSync(rar, buildRar5([{ name: "x.bin", data }]));
  const ok = run([rar, "rar"]);
  expect(ok.written).toEqual([]);
  expect(ok.lines[0]).toMatchObject({ path: "x.bin", size: data.length, sha256: sha256(data) });
  const enc = make7z(join(tmp.dir, "src"), join(tmp.dir, "enc.7z"), ["a.csv"], ["-pX", "-mhe=on"]);
  const refused = run([enc, "7z"]);
  expect(refused.status).toBe(2);
  expect(refused.lines[0]).toMatchObject({ error: "ARCHIVE_ENCRYPTED" });
});
