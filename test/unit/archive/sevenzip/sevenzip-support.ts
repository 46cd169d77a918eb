/**
 * Helpers for the 7z/RAR reader tests: fixtures made by the real 7-Zip CLI (/usr/bin/7zz, the
 * oracle) in a temp dir, and a collector that reads every file entry of a reader.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { openSevenZip, type SevenZipEntry, type SevenZipOptions, type SevenZipSource } from "../../../../src/archive/sevenzip/sevenzip-reader.ts";

export const SEVEN_ZIP = "/usr/bin/7zz";

export function tempDir(prefix = "dsp-7z-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `files` (path → content; a trailing "/" makes a directory) under `root`. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith("/")) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** Runs 7zz with `args` in `cwd`; throws with its output when it fails. */
export function sevenZip(cwd: string, args: string[]): string {
  const r = spawnSync(SEVEN_ZIP, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`7zz ${args.join(" ")} failed (${r.status}): ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Creates `archive` (absolute) from the paths (relative to `cwd`) with extra 7zz switches. */
export function make7z(cwd: string, archive: string, paths: string[], switches: string[] = []): string {
  sevenZip(cwd, ["a", "-bso0", "-bsp0", "-t7z", ...switches, archive, ...paths]);
  return archive;
}

export interface Collected {
  entries: readonly SevenZipEntry[];
  files: Map<string, Buffer>;
  order: string[];
}

/** Opens and reads every file entry fully; closes the reader whatever happens. */
export async function collect(source: SevenZipSource, format: "7z" | "rar", options: Partial<SevenZipOptions> = {}): Promise<Collected> {
  const reader = await openSevenZip(source, format, { name: "test-archive", ...options });
  try {
    const files = new Map<string, Buffer>();
    const order: string[] = [];
    for await (const { entry, data } of reader.files()) {
      const chunks: Uint8Array[] = [];
      for await (const c of data) chunks.push(c);
      files.set(entry.path, Buffer.concat(chunks));
      order.push(entry.path);
    }
    return { entries: reader.entries, files, order };
  } finally {
    await reader.close();
  }
}

/** Deterministic pseudo-random bytes (xorshift), compressible only a little. */
export function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** CSV-like text of about `bytes` bytes. */
export function csvText(bytes: number, seed = 1): string {
  const lines: string[] = ["id,sensor,value,status"];
  let n = lines[0]!.length + 1;
  let x = seed;
  for (let i = 0; n < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const line = `${i},sensor-${x % 500},${(x % 100000) / 100},${x % 7 === 0 ? "warn" : "ok"}`;
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join("\n") + "\n";
}

/**
 * Rewrites the dictionary property of the first LZMA2 coder in a 7z whose header is stored plain
 * (7zz -mhc=off), then fixes the header CRCs: the archive stays valid, only the declared dictionary
 * changes (LZMA2 property p means (2 | p & 1) << (p / 2 + 11) bytes; 32 → 256 MiB).
 */
export function patchLzma2Dictionary(archive: Uint8Array, prop: number): Uint8Array {
  const out = archive.slice();
  const view = new DataView(out.buffer);
  const nextOffset = Number(view.getBigUint64(12, true));
  const nextSize = Number(view.getBigUint64(20, true));
  const start = 32 + nextOffset;
  const header = out.subarray(start, start + nextSize);
  // Coder: flags 0x21 (id size 1, has properties), id 0x21 (LZMA2), properties size 1, property.
  let at = -1;
  for (let i = 0; i + 3 < header.length; i++) {
    if (header[i] === 0x21 && header[i + 1] === 0x21 && header[i + 2] === 0x01) {
      at = i + 3;
      break;
    }
  }
  if (at < 0) throw new Error("no LZMA2 coder in a plain 7z header (use -mhc=off -m0=LZMA2)");
  header[at] = prop;
  view.setUint32(28, crc32(header) >>> 0, true);
  view.setUint32(8, crc32(out.subarray(12, 32)) >>> 0, true);
  return out;
}
