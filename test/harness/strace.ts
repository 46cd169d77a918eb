/**
 * Runs a command under `strace -f` recording every successful syscall that can create or replace a
 * file system entry, and parses the trace into {syscall, path} records. The syscall list covers
 * every way a process can make a name appear: open/openat/openat2 with O_CREAT, creat, mkdir,
 * mknod, link, symlink, rename (to its destination), and memfd_create (an anonymous file; reported
 * too, though it never touches the disk).
 */
import { readFileSync } from "node:fs";

export const CREATING_SYSCALLS = [
  "open",
  "openat",
  "openat2",
  "creat",
  "mkdir",
  "mkdirat",
  "mknod",
  "mknodat",
  "link",
  "linkat",
  "symlink",
  "symlinkat",
  "rename",
  "renameat",
  "renameat2",
  "memfd_create",
];

export function straceWrap(outFile: string): string[] {
  return ["strace", "-f", "-qq", "-z", "-o", outFile, "-e", `trace=${CREATING_SYSCALLS.join(",")}`];
}

export interface Creation {
  syscall: string;
  path: string;
  line: string;
}

/** Entries the traced process created (opened with O_CREAT, made, linked or renamed into place). */
export function creationsIn(traceFile: string): Creation[] {
  const out: Creation[] = [];
  for (const line of readFileSync(traceFile, "utf8").split("\n")) {
    const m = /^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (!m) continue;
    const [, syscall, args] = m as unknown as [string, string, string];
    const paths = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((p) => p[1]!);
    if (syscall.startsWith("open") && !args.includes("O_CREAT")) continue;
    if (syscall === "creat" || syscall.startsWith("open") || syscall.startsWith("mkdir") || syscall.startsWith("mknod")) {
      out.push({ syscall, path: paths[0] ?? "?", line });
    } else if (syscall.startsWith("link") || syscall.startsWith("symlink") || syscall.startsWith("rename")) {
      out.push({ syscall, path: paths[paths.length - 1] ?? "?", line });
    } else if (syscall === "memfd_create") {
      out.push({ syscall, path: `memfd:${paths[0] ?? ""}`, line });
    }
  }
  return out;
}
