/**
 * The header of a 7z archive, read by dsp itself (7-Zip's 7zFormat.txt), for the direct reader:
 * where each folder's packed data lies, its one coder, and the files it holds in order.
 *
 * Only what the direct reader decodes is accepted; anything else throws NotDirect and 7-Zip reads
 * the archive as before: more than one coder in a folder (BCJ, BCJ2, Delta, a cipher), a coder
 * other than Copy, LZMA and LZMA2 (PPMd, BZip2, Deflate, 7zAES), archive properties, additional
 * streams, anti-items, external data, start positions, unknown file properties, a header larger
 * than MAX_HEADER_BYTES or an encoded header that is itself encoded, any count that does not add
 * up. The direct reader never decides that an archive is damaged from its header: 7-Zip does.
 *
 * Invariants: every count is bounded by the bytes that describe it (header-cursor.ts), so a
 * hostile header cannot make the parser allocate more than a small multiple of its own size;
 * packed streams are checked to lie inside the file before the header.
 */
import { HeaderCursor, NotDirect } from "./header-cursor.ts";

/** A 7z header (decoded) larger than this is left to 7-Zip, whose memory is capped (heap-limit.ts). */
export const MAX_HEADER_BYTES = 32 * 1024 * 1024;

export type DirectMethod = "copy" | "lzma" | "lzma2";

export interface DirectFolder {
  method: DirectMethod;
  /** The coder's properties (LZMA: 5 bytes, LZMA2: 1). */
  props: Uint8Array;
  /** Absolute file offset of its packed stream, and its size. */
  packStart: number;
  packSize: number;
  unpackSize: number;
  /** Its substreams' sizes and CRCs, in file order. */
  streams: { size: number; crc: number | undefined }[];
}

export interface DirectFile {
  name: string;
  /** From the attributes: a Unix mode (7-Zip on Unix), else the Windows directory bit. */
  kind: "file" | "directory" | "symlink" | "other";
  /** Its substream (folder, index in it); undefined for files with no data (empty, directories). */
  stream: { folder: number; index: number } | undefined;
  size: number;
  crc: number | undefined;
}

interface StreamsInfo {
  folders: DirectFolder[];
}

const K = { end: 0x00, header: 0x01, archiveProps: 0x02, additional: 0x03, main: 0x04, files: 0x05, packInfo: 0x06, unpackInfo: 0x07, subStreams: 0x08, size: 0x09, crc: 0x0a, folder: 0x0b, unpackSize: 0x0c, numUnpack: 0x0d, emptyStream: 0x0e, emptyFile: 0x0f, anti: 0x10, name: 0x11, ctime: 0x12, atime: 0x13, mtime: 0x14, attributes: 0x15, dummy: 0x19, encodedHeader: 0x17 } as const;

/**
 * The folders an encoded header (0x17) describes: the packed header's location and coder.
 * `headerAt` is the header's offset in the file (packed streams lie before it).
 */
export function parseEncodedHeader(header: Uint8Array, headerAt: number): DirectFolder {
  const c = new HeaderCursor(header);
  if (c.byte() !== K.encodedHeader) throw new NotDirect("not an encoded header");
  const { folders } = streamsInfo(c, headerAt);
  if (folders.length !== 1) throw new NotDirect("an encoded header with other than one folder");
  return folders[0]!;
}

/** Folders and files of a plain header (0x01); `headerAt` as above; at most `maxFiles` files. */
export function parseHeader(header: Uint8Array, headerAt: number, maxFiles: number): { folders: DirectFolder[]; files: DirectFile[] } {
  const c = new HeaderCursor(header);
  if (c.byte() !== K.header) throw new NotDirect("not a plain header");
  let id = c.byte();
  if (id === K.archiveProps || id === K.additional) throw new NotDirect("archive properties or additional streams");
  let folders: DirectFolder[] = [];
  if (id === K.main) {
    folders = streamsInfo(c, headerAt).folders;
    id = c.byte();
  }
  let files: DirectFile[] = [];
  if (id === K.files) {
    files = filesInfo(c, folders, maxFiles);
    id = c.byte();
  } else if (folders.some((f) => f.streams.length > 0)) throw new NotDirect("data without files");
  if (id !== K.end) throw new NotDirect(`header property ${id}`);
  return { folders, files };
}

function streamsInfo(c: HeaderCursor, headerAt: number): StreamsInfo {
  let packPos = 0;
  let packSizes: number[] = [];
  let folders: { method: DirectMethod; props: Uint8Array }[] = [];
  let unpackSizes: number[] = [];
  let folderCrcs: (number | undefined)[] = [];
  let substreams: { size: number; crc: number | undefined }[][] | undefined;
  for (let id = c.byte(); id !== K.end; id = c.byte()) {
    if (id === K.packInfo) {
      packPos = c.number();
      const n = c.count();
      for (let p = c.byte(); p !== K.end; p = c.byte()) {
        if (p === K.size) packSizes = Array.from({ length: n }, () => c.number());
        else if (p === K.crc) c.digests(n);
        else throw new NotDirect(`pack info property ${p}`);
      }
      if (packSizes.length !== n) throw new NotDirect("pack sizes missing");
    } else if (id === K.unpackInfo) {
      if (c.byte() !== K.folder) throw new NotDirect("unpack info without folders");
      const n = c.count();
      if (c.byte() !== 0) throw new NotDirect("external folders");
      folders = Array.from({ length: n }, () => folder(c));
      if (c.byte() !== K.unpackSize) throw new NotDirect("folder sizes missing");
      unpackSizes = folders.map(() => c.number());
      for (let p = c.byte(); p !== K.end; p = c.byte()) {
        if (p === K.crc) folderCrcs = c.digests(n);
        else throw new NotDirect(`unpack info property ${p}`);
      }
    } else if (id === K.subStreams) {
      substreams = subStreamsInfo(c, unpackSizes, folderCrcs);
    } else throw new NotDirect(`streams info property ${id}`);
  }
  if (folders.length !== packSizes.length) throw new NotDirect("folders and packed streams differ in number");
  let at = 32 + packPos;
  const out: DirectFolder[] = folders.map((f, i) => {
    const packStart = at;
    at += packSizes[i]!;
    const unpackSize = unpackSizes[i]!;
    const streams = substreams?.[i] ?? [{ size: unpackSize, crc: folderCrcs[i] }];
    return { ...f, packStart, packSize: packSizes[i]!, unpackSize, streams };
  });
  if (at > headerAt) throw new NotDirect("packed streams run into the header");
  return { folders: out };
}

/** One folder: exactly one simple coder we decode. */
function folder(c: HeaderCursor): { method: DirectMethod; props: Uint8Array } {
  if (c.number() !== 1) throw new NotDirect("a folder of several coders");
  const flags = c.byte();
  if (flags & 0xd0) throw new NotDirect("a complex coder"); // 0x10 complex, 0x80 alternatives, 0x40 reserved
  const id = c.bytes(flags & 0x0f);
  const props = flags & 0x20 ? c.bytes(c.number()) : new Uint8Array(0);
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
  const method: DirectMethod | undefined = hex === "00" ? "copy" : hex === "21" ? "lzma2" : hex === "030101" ? "lzma" : undefined;
  if (method === undefined) throw new NotDirect(`coder ${hex || "(empty)"}`);
  if ((method === "lzma" && props.length !== 5) || (method === "lzma2" && props.length !== 1)) throw new NotDirect(`${method} properties of ${props.length} bytes`);
  // liblzma takes lc + lp ≤ 4 (7-Zip takes lc up to 8) and LZMA2 dictionary properties up to 40.
  if (method === "lzma" && (props[0]! >= 9 * 5 * 5 || (props[0]! % 9) + (Math.floor(props[0]! / 9) % 5) > 4)) throw new NotDirect("LZMA lc/lp/pb liblzma does not take");
  if (method === "lzma2" && props[0]! > 40) throw new NotDirect("LZMA2 dictionary property above 40");
  return { method, props };
}

function subStreamsInfo(c: HeaderCursor, unpackSizes: number[], folderCrcs: (number | undefined)[]): { size: number; crc: number | undefined }[][] {
  let counts = unpackSizes.map(() => 1);
  let id = c.byte();
  if (id === K.numUnpack) {
    counts = unpackSizes.map(() => c.count());
    id = c.byte();
  }
  const sizes: number[][] = unpackSizes.map((total, i) => {
    const n = counts[i]!;
    if (n === 0) return [];
    if (n > 1 && id !== K.size) throw new NotDirect("several substreams without sizes");
    const listed = id === K.size ? Array.from({ length: n - 1 }, () => c.number()) : [];
    const used = listed.reduce((s, x) => s + x, 0);
    if (used > total) throw new NotDirect("substreams larger than their folder");
    return [...listed, total - used];
  });
  if (id === K.size) id = c.byte();
  // CRCs are listed for the streams whose CRC the folder does not give (a folder of one stream with a CRC gives it).
  const needs = sizes.flatMap((s, i) => s.map(() => !(s.length === 1 && folderCrcs[i] !== undefined)));
  let listed: (number | undefined)[] = [];
  for (; id !== K.end; id = c.byte()) {
    if (id === K.crc) listed = c.digests(needs.filter(Boolean).length);
    else throw new NotDirect(`substreams property ${id}`);
  }
  let next = 0;
  return sizes.map((s, i) => s.map((size) => ({ size, crc: s.length === 1 && folderCrcs[i] !== undefined ? folderCrcs[i] : listed[next++] })));
}

function filesInfo(c: HeaderCursor, folders: DirectFolder[], maxFiles: number): DirectFile[] {
  const n = c.count();
  if (n > maxFiles) throw new NotDirect(`${n} files, more than the ${maxFiles} allowed`);
  let emptyStream: boolean[] = new Array<boolean>(n).fill(false);
  let emptyFile: boolean[] = [];
  let sawEmptyStream = false;
  let names: string[] | undefined;
  let attributes: (number | undefined)[] = [];
  for (let id = c.byte(); id !== K.end; id = c.byte()) {
    const p = new HeaderCursor(c.bytes(c.number()));
    if ((id === K.emptyFile || id === K.anti) && !sawEmptyStream) throw new NotDirect("empty-file or anti vector before the empty-stream one");
    if (id === K.emptyStream) {
      if (sawEmptyStream) throw new NotDirect("two empty-stream vectors");
      sawEmptyStream = true;
      emptyStream = p.bits(n);
      emptyFile = new Array<boolean>(emptyStream.filter(Boolean).length).fill(false);
    } else if (id === K.emptyFile) emptyFile = p.bits(emptyStream.filter(Boolean).length);
    else if (id === K.anti) {
      if (p.bits(emptyStream.filter(Boolean).length).some(Boolean)) throw new NotDirect("anti-items");
    } else if (id === K.name) {
      if (p.byte() !== 0) throw new NotDirect("external names");
      names = utf16Names(p.bytes(p.left), n);
    } else if (id === K.attributes) {
      const defined = p.defined(n);
      if (p.byte() !== 0) throw new NotDirect("external attributes");
      attributes = defined.map((d) => (d ? p.u32() : undefined));
    } else if (id !== K.ctime && id !== K.atime && id !== K.mtime && id !== K.dummy) throw new NotDirect(`file property ${id}`);
  }
  if (names === undefined) throw new NotDirect("no names");
  const streams = folders.flatMap((f, folder) => f.streams.map((s, index) => ({ ...s, folder, index })));
  let nextStream = 0;
  let nextEmpty = 0;
  const files = names.map((name, i): DirectFile => {
    const attr = attributes[i];
    if (emptyStream[i]) {
      // An empty stream is a directory unless the empty-file vector says it is an empty file.
      const kind = emptyFile[nextEmpty++] === true ? kindOf(attr, "file") : "directory";
      return { name, kind, stream: undefined, size: 0, crc: undefined };
    }
    const s = streams[nextStream++];
    if (s === undefined) throw new NotDirect("more files with data than substreams");
    return { name, kind: kindOf(attr, "file"), stream: { folder: s.folder, index: s.index }, size: s.size, crc: s.crc };
  });
  if (nextStream !== streams.length) throw new NotDirect("substreams without files");
  return files;
}

/** Unix file types that are neither files, directories nor links: FIFO, character and block devices, sockets. */
const SPECIAL_TYPES = new Set([0x1000, 0x2000, 0x6000, 0xc000]);

/**
 * As 7-Zip's listing shows it (listing.ts kindOf): a directory by the Windows bit (0x10) or the
 * Unix mode (FILE_ATTRIBUTE_UNIX_EXTENSION 0x8000: the high 16 bits are one), then a symlink,
 * then the special types; any other type is a file.
 */
function kindOf(attr: number | undefined, fallback: "file"): DirectFile["kind"] {
  if (attr === undefined) return fallback;
  const type = attr & 0x8000 ? (attr >>> 16) & 0xf000 : undefined;
  if (attr & 0x10 || type === 0x4000) return "directory";
  if (type === 0xa000) return "symlink";
  if (type !== undefined && SPECIAL_TYPES.has(type)) return "other";
  return fallback;
}

/**
 * A lone surrogate, which 7-Zip writes to its listing as three bytes of invalid UTF-8 (so the names
 * dsp reads from 7-Zip's listing show it as three U+FFFD): the same name either way.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function utf16(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < bytes.length; i += 8192) {
    const part = bytes.subarray(i, Math.min(bytes.length, i + 8192));
    s += String.fromCharCode(...new Uint16Array(part.slice().buffer));
  }
  return s.replace(LONE_SURROGATE, "\uFFFD\uFFFD\uFFFD");
}

/** `n` names, UTF-16LE, each ending with a 0 code unit. */
function utf16Names(bytes: Uint8Array, n: number): string[] {
  if (bytes.length % 2 !== 0) throw new NotDirect("names of an odd length");
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i + 1 < bytes.length && names.length < n; i += 2) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0) continue;
    names.push(utf16(bytes.subarray(start, i)));
    start = i + 2;
  }
  if (names.length !== n || start !== bytes.length) throw new NotDirect("names do not match the file count");
  return names;
}
