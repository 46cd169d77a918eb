/** The two input trees: one large file, and many small files spread over subfolders. */
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { payload, writeLargeFile } from "../../test/support/payload.ts";

export type WorkloadId = "A" | "B";

export interface Workload {
  id: WorkloadId;
  title: string;
  dir: string;
  /** Paths below `dir`, which are also the object keys every tool must produce. */
  files: string[];
  fileSize: number;
  totalBytes: number;
  /** MD5 of the single file of workload A (the ETag of a single-PUT upload). */
  md5?: string;
}

export interface WorkloadSizes {
  bigFileBytes: number;
  smallFiles: number;
  smallFileBytes: number;
  subfolders: number;
}

export const FULL: WorkloadSizes = { bigFileBytes: 1024 ** 3, smallFiles: 10_000, smallFileBytes: 10 * 1024, subfolders: 100 };
export const QUICK: WorkloadSizes = { bigFileBytes: 256 * 1024 ** 2, smallFiles: 2_000, smallFileBytes: 10 * 1024, subfolders: 100 };

export function createWorkloads(root: string, sizes: WorkloadSizes, ids: WorkloadId[] = ["A", "B"]): Workload[] {
  return ids.map((id) => (id === "A" ? createLargeFile(join(root, "A"), sizes) : createSmallFiles(join(root, "B"), sizes)));
}

function createLargeFile(aDir: string, sizes: WorkloadSizes): Workload {
  mkdirSync(aDir, { recursive: true });
  const md5 = writeLargeFile(join(aDir, "big.bin"), sizes.bigFileBytes);
  return {
    id: "A",
    title: `one file of ${formatBytes(sizes.bigFileBytes)}`,
    dir: aDir,
    files: ["big.bin"],
    fileSize: sizes.bigFileBytes,
    totalBytes: sizes.bigFileBytes,
    md5,
  };
}

function createSmallFiles(bDir: string, sizes: WorkloadSizes): Workload {
  const files: string[] = [];
  for (let i = 0; i < sizes.smallFiles; i++) {
    const sub = `d${String(i % sizes.subfolders).padStart(3, "0")}`;
    if (i < sizes.subfolders) mkdirSync(join(bDir, sub), { recursive: true });
    const rel = `${sub}/f${String(i).padStart(5, "0")}.bin`;
    // A distinct seed per file: no two objects are alike, so no store can deduplicate them.
    writeFileSync(join(bDir, rel), payload(sizes.smallFileBytes, i + 1));
    files.push(rel);
  }
  return {
    id: "B",
    title: `${sizes.smallFiles.toLocaleString("en-US")} files of ${formatBytes(sizes.smallFileBytes)} in ${sizes.subfolders} folders`,
    dir: bDir,
    files,
    fileSize: sizes.smallFileBytes,
    totalBytes: sizes.smallFiles * sizes.smallFileBytes,
  };
}

/** Reads every input file once so that every tool starts with the same, warm, page cache. */
export function warm(w: Workload): void {
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  for (const rel of w.files) {
    const fd = openSync(join(w.dir, rel), "r");
    try {
      while (readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} B`;
}
