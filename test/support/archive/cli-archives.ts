/**
 * Archives made by the real tools (zip, tar, gzip, bzip2, xz and its lzma, 7zz) from a folder of files, for
 * end-to-end tests: what dsp reads is what operators' exporters write.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type CliFormat = "zip" | "tar" | "tar.gz" | "tgz" | "tar.bz2" | "tar.xz" | "tar.lzma" | "7z";

function run(cmd: string[], cwd: string, stdin?: Uint8Array): Uint8Array {
  const r = Bun.spawnSync(cmd, { cwd, stdin, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

/** Writes `files` (relative path → content) under `dir`. */
export function writeTree(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

/** An archive of everything under `dir` (members in sorted order), written to `out`. */
export function archiveTree(dir: string, format: CliFormat, out: string, extra: string[] = []): void {
  mkdirSync(dirname(out), { recursive: true });
  switch (format) {
    case "zip":
      run(["zip", "-q", "-r", "-X", "-y", ...extra, out, "."], dir);
      return;
    case "7z":
      run(["7zz", "a", "-bd", "-y", ...extra, out, "."], dir);
      return;
    default: {
      // Not tar --lzma: GNU tar runs xz for it, which writes .xz, not the legacy format.
      const compress = { tar: [], "tar.lzma": [], "tar.bz2": ["--bzip2"], "tar.xz": ["--xz"], "tar.gz": ["--gzip"], tgz: ["--gzip"] }[format];
      const tar = run(["tar", "-c", "-f", "-", "--owner=0", "--group=0", "--sort=name", ...compress, ...extra, "."], dir);
      writeFileSync(out, format === "tar.lzma" ? run(["xz", "--format=lzma", "-c"], dir, tar) : tar);
    }
  }
}

/** One file compressed with a stream tool ("gzip" | "bzip2" | "xz", or "lzma": xz's legacy format). */
export function compressFile(tool: "gzip" | "bzip2" | "xz" | "lzma", data: string | Uint8Array, out: string): void {
  mkdirSync(dirname(out), { recursive: true });
  const src = `${out}.src`;
  writeFileSync(src, data);
  writeFileSync(out, run([tool, "-c", src], dirname(out)));
  Bun.spawnSync(["rm", "-f", src]);
}

export function readText(path: string): string {
  return readFileSync(path, "utf8");
}
