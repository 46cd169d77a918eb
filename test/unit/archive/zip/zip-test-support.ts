/** Helpers shared by the ZIP reader tests: open bytes, read entries whole, expect a coded error. */
import { expect } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArchiveError, type ArchiveErrorCode } from "../../../../src/archive/zip/archive-error.ts";
import { bytesSource } from "../../../../src/archive/zip/random-access-source.ts";
import type { ZipEntry } from "../../../../src/archive/zip/zip-entry.ts";
import { openZip, type ZipReader, type ZipReaderOptions } from "../../../../src/archive/zip/zip-reader.ts";

export function openBytes(bytes: Uint8Array, options: ZipReaderOptions = {}): Promise<ZipReader> {
  return openZip(bytesSource(bytes), options);
}

/** The entry's bytes; chunks are copied, since the reader reuses its buffers between pulls. */
export async function readEntry(reader: ZipReader, entry: ZipEntry): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of reader.open(entry)) chunks.push(chunk.slice());
  return Buffer.concat(chunks);
}

/** Reads the entry to the end, keeping only its length. */
export async function drainEntry(reader: ZipReader, entry: ZipEntry): Promise<number> {
  let n = 0;
  for await (const chunk of reader.open(entry)) n += chunk.length;
  return n;
}

export async function listEntries(reader: ZipReader): Promise<ZipEntry[]> {
  const out: ZipEntry[] = [];
  for await (const e of reader.entries()) out.push(e);
  return out;
}

/** Every entry with its bytes, in archive order. */
export async function readAll(bytes: Uint8Array, options: ZipReaderOptions = {}): Promise<Map<string, Buffer>> {
  const reader = await openBytes(bytes, options);
  const out = new Map<string, Buffer>();
  for await (const e of reader.entries()) out.set(e.name, await readEntry(reader, e));
  return out;
}

/** Awaits `work` and returns the ArchiveError it must fail with, after checking its code. */
export async function expectArchiveError(work: Promise<unknown> | (() => Promise<unknown>), code: ArchiveErrorCode): Promise<ArchiveError> {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    expect(err.code).toBe(code);
    return err;
  }
  throw new Error(`expected an ArchiveError ${code}, but nothing was thrown`);
}

/** A scratch folder for tests that need a real file (python, unzip); removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `dsp-zip-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(cmd: string, args: string[], input?: string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { input, maxBuffer: 256 * 2 ** 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr?.toString() ?? "" };
}

export const hasUnzip = run("sh", ["-c", "command -v unzip"]).status === 0;
export const hasZip = run("sh", ["-c", "command -v zip"]).status === 0;
