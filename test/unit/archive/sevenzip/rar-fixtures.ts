/**
 * Test-only RAR writers: 7zz cannot create RAR, so the RAR tests build minimal archives here, from
 * the published format descriptions (RAR 5.0 "technical note", and RAR 2.x–4.x "TECHNOTE.TXT").
 * Only the stored method (no compression), enough to check dsp's listing and extraction through
 * 7-Zip's RAR handlers. Encrypted entries and encrypted headers carry random bytes where the
 * ciphertext would be: 7-Zip must refuse them from the headers alone, never decrypt them.
 */
import { crc32 } from "node:zlib";

export interface RarFixtureEntry {
  name: string;
  /** File bytes (stored). Absent for directories and symlinks. */
  data?: Uint8Array;
  directory?: boolean;
  /** Unix symlink target. */
  symlink?: string;
  /** Marks the entry encrypted (AES); its data are random bytes. */
  encrypted?: boolean;
  /**
   * RAR 4 only: the name field as rar on Windows writes a Unicode name (flag 0x0200): `plain`,
   * a zero byte, then `encoded` (RAR's encoding of the Unicode name against the plain one).
   * `name` is then unused.
   */
  unicodeField?: { plain: string; encoded: number[] };
}

const enc = new TextEncoder();

// ---------- RAR 5 ----------

const RAR5_SIGNATURE = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];

/** RAR5 variable-length integer: 7 bits per byte, low bits first, high bit = more bytes follow. */
function vint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A RAR5 block: CRC32, header size, then `body` (type, flags, ... extra area); then `data`. */
function rar5Block(body: number[], data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const sized = [...vint(body.length), ...body];
  const crc = crc32(Uint8Array.from(sized)) >>> 0;
  const head = Uint8Array.from([...u32le(crc), ...sized]);
  const out = new Uint8Array(head.length + data.length);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

function extraRecord(type: number, payload: number[]): number[] {
  const inner = [...vint(type), ...payload];
  return [...vint(inner.length), ...inner];
}

function randomBytes(n: number): number[] {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)));
}

function rar5File(e: RarFixtureEntry): Uint8Array {
  const name = enc.encode(e.name);
  let extra: number[] = [];
  let data = e.data ?? new Uint8Array(0);
  let unpacked = data.length;
  if (e.symlink !== undefined) {
    const target = enc.encode(e.symlink);
    // File system redirection record (type 5): redirection type 1 = Unix symlink, flags 0, name.
    extra = extra.concat(extraRecord(5, [...vint(1), ...vint(0), ...vint(target.length), ...target]));
    data = new Uint8Array(0);
    unpacked = 0;
  }
  if (e.encrypted) {
    // File encryption record (type 1): version 0 (AES-256), flags 1 (password check present),
    // KDF count, salt 16, IV 16, check value 12.
    extra = extra.concat(extraRecord(1, [...vint(0), ...vint(1), 15, ...randomBytes(16), ...randomBytes(16), ...randomBytes(12)]));
    data = Uint8Array.from(randomBytes(Math.max(16, Math.ceil(data.length / 16) * 16)));
  }
  const dir = e.directory === true;
  const mode = dir ? 0o40755 : e.symlink !== undefined ? 0o120777 : 0o100644;
  const fileFlags = (dir ? 0x0001 : 0) | 0x0004; // directory, CRC32 present
  const crc = crc32(e.data ?? new Uint8Array(0)) >>> 0;
  const headerFlags = (extra.length > 0 ? 0x0001 : 0) | 0x0002; // extra area, data area
  const body = [
    ...vint(2), // file header
    ...vint(headerFlags),
    ...(extra.length > 0 ? vint(extra.length) : []),
    ...vint(data.length),
    ...vint(fileFlags),
    ...vint(unpacked),
    ...vint(mode),
    ...u32le(e.encrypted ? 0 : crc),
    ...vint(0), // compression information: version 0, not solid, method 0 (store), dictionary 128 KiB
    ...vint(1), // host OS: Unix
    ...vint(name.length),
    ...name,
    ...extra,
  ];
  return rar5Block(body, data);
}

export interface Rar5Options {
  /** Starts with an archive encryption header (rar -hp): every later header would be encrypted. */
  encryptHeaders?: boolean;
}

export function buildRar5(entries: RarFixtureEntry[], options: Rar5Options = {}): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(RAR5_SIGNATURE)];
  if (options.encryptHeaders) {
    // Archive encryption header (type 4): version 0, flags 1 (check present), KDF count, salt, check.
    parts.push(rar5Block([...vint(4), ...vint(0), ...vint(0), ...vint(1), 15, ...randomBytes(16), ...randomBytes(12)]));
    // What follows would be AES-encrypted headers: random blocks of 16 bytes (IV + data).
    parts.push(Uint8Array.from(randomBytes(16 * 8)));
    return concat(parts);
  }
  parts.push(rar5Block([...vint(1), ...vint(0), ...vint(0)])); // main archive header, no flags
  for (const e of entries) parts.push(rar5File(e));
  parts.push(rar5Block([...vint(5), ...vint(0), ...vint(0)])); // end of archive
  return concat(parts);
}

// ---------- RAR 4 (2.x–4.x) ----------

const RAR4_MARKER = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];

function u16le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

/** A RAR4 block: HEAD_CRC (low 16 bits of the CRC32 of everything after it), then `rest`. */
function rar4Block(rest: number[]): number[] {
  const crc = crc32(Uint8Array.from(rest)) & 0xffff;
  return [...u16le(crc), ...rest];
}

export interface Rar4Options {
  /** MAIN_HEAD flag 0x0080: block headers are encrypted (rar -hp). */
  encryptHeaders?: boolean;
}

export function buildRar4(entries: RarFixtureEntry[], options: Rar4Options = {}): Uint8Array {
  const out: number[] = [...RAR4_MARKER];
  // MAIN_HEAD: type 0x73, flags, size 13, RESERVED1 (2), RESERVED2 (4).
  out.push(...rar4Block([0x73, ...u16le(options.encryptHeaders ? 0x0080 : 0), ...u16le(13), 0, 0, 0, 0, 0, 0]));
  if (options.encryptHeaders) {
    out.push(...randomBytes(16 * 8));
    return Uint8Array.from(out);
  }
  const dosTime = ((2024 - 1980) << 25) | (1 << 21) | (1 << 16);
  for (const e of entries) {
    const name = e.unicodeField ? Uint8Array.from([...enc.encode(e.unicodeField.plain), 0, ...e.unicodeField.encoded]) : enc.encode(e.name);
    const dir = e.directory === true;
    let data: Uint8Array = e.data ?? new Uint8Array(0);
    if (e.symlink !== undefined) data = enc.encode(e.symlink); // RAR 4 stores a Unix link's target as its data
    const crc = crc32(data) >>> 0;
    const unpacked = data.length;
    if (e.encrypted) data = Uint8Array.from(randomBytes(Math.max(16, Math.ceil(data.length / 16) * 16)));
    const mode = dir ? 0o40755 : e.symlink !== undefined ? 0o120777 : 0o100644;
    // LONG_BLOCK (0x8000: PACK_SIZE follows), encrypted 0x04, directory = dictionary bits 111 (0xE0).
    const flags = 0x8000 | (e.encrypted ? 0x0004 : 0) | (dir ? 0x00e0 : 0) | (e.unicodeField ? 0x0200 : 0);
    const size = 32 + name.length;
    out.push(
      ...rar4Block([
        0x74,
        ...u16le(flags),
        ...u16le(size),
        ...u32le(data.length), // PACK_SIZE
        ...u32le(unpacked), // UNP_SIZE
        3, // HOST_OS Unix
        ...u32le(crc),
        ...u32le(dosTime),
        e.encrypted ? 29 : 20, // UNP_VER
        0x30, // METHOD: store
        ...u16le(name.length),
        ...u32le(mode),
        ...name,
      ]),
      ...data,
    );
  }
  out.push(...rar4Block([0x7b, ...u16le(0x4000), ...u16le(7)])); // ENDARC_HEAD
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
