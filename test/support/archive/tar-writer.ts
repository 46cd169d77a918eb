/**
 * A minimal TAR writer for tests: every header field under the test's control, including the ones no
 * honest writer produces (bad checksums, signed sums, base-256 sizes, device entries, sparse and
 * multi-volume typeflags, lying sizes). Archives from GNU tar and Python's tarfile are made elsewhere
 * (tar-fixtures.ts) so the reader also sees archives it did not write.
 */

export const BLOCK = 512;
const enc = new TextEncoder();

export interface TarHeaderSpec {
  name: string | Uint8Array;
  /** Typeflag character; default "0". */
  typeflag?: string;
  /** The size field; default: the data's length. */
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  /** Header layout; default "ustar". */
  format?: "ustar" | "gnu" | "v7";
  /** ustar prefix field (joined to the name with "/" by readers). */
  prefix?: string;
  uname?: string;
  gname?: string;
  devMajor?: number;
  devMinor?: number;
  /** Write the size in base-256 (GNU) even when octal would do. */
  base256Size?: boolean;
  /** Checksum style; "bad" stores the right sum + 1. */
  checksum?: "unsigned" | "signed" | "bad";
}

export interface TarEntrySpec extends TarHeaderSpec {
  data?: Uint8Array | string;
  /** PAX records written in an 'x' header before this entry. */
  pax?: Record<string, string>;
  /** Write the name through a GNU 'L' header (and the link through 'K'). */
  gnuLongName?: boolean;
  gnuLongLink?: boolean;
}

const bytesOf = (v: string | Uint8Array) => (typeof v === "string" ? enc.encode(v) : v);

function putString(block: Uint8Array, at: number, len: number, value: string | Uint8Array): void {
  const b = bytesOf(value);
  block.set(b.subarray(0, len), at);
}

function putOctal(block: Uint8Array, at: number, len: number, value: number): void {
  const digits = value.toString(8).padStart(len - 1, "0");
  if (digits.length > len - 1) throw new Error(`tar-writer: ${value} does not fit in ${len} bytes of octal`);
  putString(block, at, len, `${digits}\0`);
}

function putBase256(block: Uint8Array, at: number, len: number, value: number): void {
  let v = BigInt(value);
  for (let i = len - 1; i > 0; i--) {
    block[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[at] = 0x80;
}

export function tarHeader(spec: TarHeaderSpec): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const format = spec.format ?? "ustar";
  putString(block, 0, 100, spec.name);
  putOctal(block, 100, 8, spec.mode ?? 0o644);
  putOctal(block, 108, 8, spec.uid ?? 1000);
  putOctal(block, 116, 8, spec.gid ?? 1000);
  const size = spec.size ?? 0;
  if (spec.base256Size || size > 0o77777777777) putBase256(block, 124, 12, size);
  else putOctal(block, 124, 12, size);
  putOctal(block, 136, 12, spec.mtime ?? 1_700_000_000);
  block[156] = (spec.typeflag ?? "0").charCodeAt(0);
  putString(block, 157, 100, spec.linkname ?? "");
  if (format !== "v7") {
    putString(block, 257, 8, format === "gnu" ? "ustar  \0" : "ustar\x0000");
    putString(block, 265, 32, spec.uname ?? "user");
    putString(block, 297, 32, spec.gname ?? "group");
    putOctal(block, 329, 8, spec.devMajor ?? 0);
    putOctal(block, 337, 8, spec.devMinor ?? 0);
    if (format === "ustar" && spec.prefix) putString(block, 345, 155, spec.prefix);
  }
  block.fill(0x20, 148, 156);
  let unsigned = 0;
  let signed = 0;
  for (const b of block) {
    unsigned += b;
    signed += b < 128 ? b : b - 256;
  }
  const sum = spec.checksum === "signed" ? signed : spec.checksum === "bad" ? unsigned + 1 : unsigned;
  if (sum < 0) throw new Error("tar-writer: negative signed checksum");
  putString(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** PAX records "len key=value\n", the length counting itself. */
export function paxRecords(records: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = enc.encode(` ${k}=${v}\n`);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(enc.encode(String(len)), body);
  }
  return concat(parts);
}

export function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The blocks of one entry (its metadata headers, header, padded data). */
export function tarEntry(spec: TarEntrySpec): Uint8Array {
  const parts: Uint8Array[] = [];
  const data = bytesOf(spec.data ?? "");
  const name = bytesOf(spec.name);
  if (spec.pax) {
    const records = paxRecords(spec.pax);
    parts.push(tarHeader({ name: "PaxHeaders/x", typeflag: "x", size: records.length, format: spec.format }), padded(records));
  }
  if (spec.gnuLongLink) {
    const link = concat([bytesOf(spec.linkname ?? ""), new Uint8Array(1)]);
    parts.push(tarHeader({ name: "././@LongLink", typeflag: "K", size: link.length, format: "gnu" }), padded(link));
  }
  if (spec.gnuLongName) {
    const long = concat([name, new Uint8Array(1)]);
    parts.push(tarHeader({ name: "././@LongLink", typeflag: "L", size: long.length, format: "gnu" }), padded(long));
  }
  const header: TarHeaderSpec = { ...spec, size: spec.size ?? data.length };
  if (spec.gnuLongName) header.name = name.subarray(0, 100);
  if (spec.gnuLongLink) header.linkname = (spec.linkname ?? "").slice(0, 100);
  parts.push(tarHeader(header), padded(data));
  return concat(parts);
}

/** A whole archive; `endBlocks` zero blocks at the end (default 2), then `trailing` bytes. */
export function tarBytes(entries: TarEntrySpec[], options: { endBlocks?: number; trailing?: Uint8Array } = {}): Uint8Array {
  const end = new Uint8Array(BLOCK * (options.endBlocks ?? 2));
  return concat([...entries.map(tarEntry), end, options.trailing ?? new Uint8Array(0)]);
}

/** `bytes` as a stream of chunks of at most `size` bytes (or at the given cut points). */
export async function* chunked(bytes: Uint8Array, size: number | number[]): AsyncGenerator<Uint8Array> {
  if (typeof size === "number") {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    return;
  }
  let at = 0;
  for (const cut of [...size, bytes.length]) {
    if (cut > at) yield bytes.subarray(at, cut);
    at = Math.max(at, cut);
  }
}
