/**
 * The symbolic links of a RAR 4 archive, read from its file headers ourselves.
 *
 * Why: 7-Zip's RAR 4 handler drops the attributes of entries written on Unix (its Windows
 * attributes are 0 for them), so its listing shows a Unix symlink as a small file holding the
 * target path, and dsp would upload it. The file header has what is needed: HOST_OS 3 (Unix) and
 * the mode in FILE_ATTR, S_IFLNK (0xA000) for a link.
 *
 * The walk (RAR 2.x–4.x TECHNOTE): after the 7-byte marker, blocks of HEAD_CRC (2), HEAD_TYPE (1),
 * HEAD_FLAGS (2), HEAD_SIZE (2); a block with LONG_BLOCK (0x8000) is followed by ADD_SIZE data
 * bytes (for a file header, PACK_SIZE, with HIGH_PACK_SIZE when flag 0x0100). Positioned reads of
 * the headers only, never the data. Names (rar4-names.ts: UTF-8, or RAR's own Unicode encoding)
 * are matched with 7-Zip's listing as paths with "/" separators. Anything that does not parse ends
 * the walk: 7-Zip judges the archive.
 */
import type { ReadAt } from "./header-probe.ts";
import { rar4Name } from "./rar4-names.ts";

const FILE_HEAD = 0x74;
const END_HEAD = 0x7b;
const LONG_BLOCK = 0x8000;
const LARGE_FILE = 0x0100;
const HOST_UNIX = 3;
const S_IFMT = 0xf000;
const S_IFLNK = 0xa000;
/** A header is at most 64 KiB (HEAD_SIZE is 16 bits). */
const MAX_HEADER = 0xffff;

/** Paths ("/"-separated, as 7-Zip lists them) of the Unix symlinks among the archive's file headers. */
export async function rar4SymlinkPaths(readAt: ReadAt, size: number, maxBlocks: number): Promise<Set<string>> {
  const links = new Set<string>();
  for (const f of await rar4FileHeaders(readAt, size, maxBlocks)) if (f.link) links.add(f.path);
  return links;
}

export interface Rar4FileHeader {
  /** "/"-separated, as 7-Zip lists it. */
  path: string;
  /** A Unix symbolic link. */
  link: boolean;
}

/** The file headers of a RAR 4 archive, in order, up to `maxBlocks` blocks or the first that does not parse. */
export async function rar4FileHeaders(readAt: ReadAt, size: number, maxBlocks: number): Promise<Rar4FileHeader[]> {
  const files: Rar4FileHeader[] = [];
  let at = 7;
  for (let blocks = 0; blocks < maxBlocks && at + 7 <= size; blocks++) {
    const head = await readAt(at, 11);
    if (head.length < 7) break;
    const type = head[2]!;
    const flags = head[3]! | (head[4]! << 8);
    const headSize = head[5]! | (head[6]! << 8);
    if (headSize < 7 || type === END_HEAD) break;
    let dataSize = 0;
    if (flags & LONG_BLOCK) {
      if (head.length < 11) break;
      dataSize = u32(head, 7);
    }
    if (type === FILE_HEAD) {
      const header = await readAt(at, Math.min(headSize, MAX_HEADER));
      if (header.length < Math.min(headSize, 32)) break;
      const parsed = parseFileHeader(header, flags);
      if (parsed === undefined) break;
      dataSize = parsed.packSize;
      files.push({ path: parsed.path, link: parsed.link });
    }
    at += headSize + dataSize;
  }
  return files;
}

function parseFileHeader(h: Uint8Array, flags: number): { path: string; link: boolean; packSize: number } | undefined {
  if (h.length < 32) return undefined;
  const hostOs = h[15]!;
  const nameSize = h[26]! | (h[27]! << 8);
  const attr = u32(h, 28);
  let packSize = u32(h, 7);
  let nameAt = 32;
  if (flags & LARGE_FILE) {
    if (h.length < 40) return undefined;
    packSize += u32(h, 32) * 2 ** 32;
    nameAt = 40;
  }
  if (nameAt + nameSize > h.length) return undefined;
  const path = rar4Name(h.subarray(nameAt, nameAt + nameSize), flags).replaceAll("\\", "/");
  return { path, link: hostOs === HOST_UNIX && (attr & S_IFMT) === S_IFLNK, packSize };
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
