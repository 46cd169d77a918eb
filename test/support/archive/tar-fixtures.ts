/**
 * TAR archives made by other writers, so the reader is tested on bytes it did not produce:
 *  - GNU tar (`tar --format=ustar|pax|gnu|v7`, `--sparse`) over a folder built in a test work dir;
 *  - Python's tarfile (USTAR, GNU, PAX formats; device headers, which need no real device).
 * Archives come back on stdout, in memory. Tests skip a case when the tool is missing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeWorkDir } from "../../harness/workdir.ts";

export const hasGnuTar = (() => {
  const r = Bun.spawnSync(["tar", "--version"], { stdout: "pipe", stderr: "ignore" });
  return r.exitCode === 0 && r.stdout.toString().includes("GNU tar");
})();

export const hasPython = Bun.spawnSync(["python3", "--version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;

/** Writes files (relative path → content; a trailing "/" makes a folder) under a fresh folder. */
export function makeTree(label: string, files: Record<string, string | Uint8Array>): string {
  const root = join(makeWorkDir(label).root, "tree");
  mkdirSync(root, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    if (rel.endsWith("/")) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return root;
}

/** `tar -c <args> -f - <members>` run in `cwd`, stdout as bytes. */
export function gnuTar(cwd: string, args: string[], members: string[]): Uint8Array {
  const r = Bun.spawnSync(["tar", "-c", "-f", "-", "--owner=0", "--group=0", ...args, ...members], { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

/** Runs a Python snippet with `tarfile`, `io`, `sys` imported and `out` = stdout's binary buffer. */
export function pythonTar(code: string): Uint8Array {
  const script = `import tarfile, io, sys\nout = sys.stdout.buffer\n${code}\nout.flush()\n`;
  const r = Bun.spawnSync(["python3", "-c", script], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`python failed: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}
