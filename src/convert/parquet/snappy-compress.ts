/**
 * Snappy block compressor in plain JavaScript (the binary may ship no native addons), following
 * the reference implementation's fragment compressor. Written here because hyparquet-writer's
 * `snappyCompress` runs at ~25 MB/s (a growing ByteWriter with a DataView call per tag byte),
 * which made SNAPPY files four times slower to write than ZSTD; this one writes into one
 * preallocated array.
 *
 * Format: varint of the uncompressed length, then literals and copies. The input is cut into
 * 64 KiB fragments compressed independently, so every copy offset fits in 16 bits and the hash
 * table can hold 16-bit positions relative to the fragment start.
 * Invariant: output never exceeds `maxCompressedLength(n)` = 32 + n + n/6 (the reference bound).
 */

const FRAGMENT_SIZE = 1 << 16;
const MAX_HASH_TABLE_BITS = 14;
/** The reference stops matching this close to the fragment end: loads never read past it. */
const INPUT_MARGIN = 15;

const hashTable = new Uint16Array(1 << MAX_HASH_TABLE_BITS);

export function maxCompressedLength(inputLength: number): number {
  return 32 + inputLength + Math.floor(inputLength / 6);
}

/** Compresses `input` into a fresh array (a view of exactly the compressed bytes). */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxCompressedLength(input.length));
  let op = 0;
  let length = input.length;
  while (length >= 0x80) {
    out[op++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  out[op++] = length;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  for (let start = 0; start < input.length; start += FRAGMENT_SIZE) {
    op = compressFragment(input, view, start, Math.min(input.length, start + FRAGMENT_SIZE), out, op);
  }
  return out.subarray(0, op);
}

/** Unaligned little-endian loads go through a DataView: ~20% faster here than four byte reads. */
function compressFragment(input: Uint8Array, view: DataView, base: number, end: number, out: Uint8Array, op: number): number {
  const fragmentLength = end - base;
  let tableBits = 8;
  while (tableBits < MAX_HASH_TABLE_BITS && 1 << tableBits < fragmentLength) tableBits++;
  const shift = 32 - tableBits;
  const table = hashTable;
  table.fill(0, 0, 1 << tableBits);

  let nextEmit = base;
  if (fragmentLength >= INPUT_MARGIN) {
    const ipLimit = end - INPUT_MARGIN;
    let ip = base + 1;
    let nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      // Look for a 4-byte match, probing sparser the longer nothing matches (incompressible data).
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip++ >>> 5);
        if (nextIp > ipLimit) break outer;
        nextHash = Math.imul(view.getInt32(nextIp, true), 0x1e35a7bd) >>> shift;
        candidate = base + table[hash]!;
        table[hash] = ip - base;
      } while (view.getInt32(ip, true) !== view.getInt32(candidate, true));

      op = emitLiteral(input, nextEmit, ip - nextEmit, out, op);

      // Emit copies for as long as the byte after each one starts another match.
      do {
        let matched = 4;
        while (ip + matched + 4 <= end && view.getInt32(ip + matched, true) === view.getInt32(candidate + matched, true)) matched += 4;
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++;
        op = emitCopy(ip - candidate, matched, out, op);
        ip += matched;
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[Math.imul(view.getInt32(ip - 1, true), 0x1e35a7bd) >>> shift] = ip - 1 - base;
        const hash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
        candidate = base + table[hash]!;
        table[hash] = ip - base;
      } while (view.getInt32(ip, true) === view.getInt32(candidate, true));

      ip++;
      nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end - nextEmit, out, op);
  return op;
}

function emitLiteral(input: Uint8Array, from: number, length: number, out: Uint8Array, op: number): number {
  const n = length - 1;
  if (n < 60) {
    out[op++] = n << 2;
  } else if (n < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else if (n < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  } else {
    // Fragments are at most 64 KiB, so 3 length bytes always suffice.
    out[op++] = 62 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = n >>> 16;
  }
  if (length < 16) {
    for (let k = 0; k < length; k++) out[op++] = input[from + k]!;
    return op;
  }
  out.set(input.subarray(from, from + length), op);
  return op + length;
}

function emitCopy(offset: number, length: number, out: Uint8Array, op: number): number {
  // Long copies become 64-byte pieces; a 60-byte piece first keeps the last one >= 4 bytes.
  while (length >= 68) {
    op = emitCopyUpTo64(offset, 64, out, op);
    length -= 64;
  }
  if (length > 64) {
    op = emitCopyUpTo64(offset, 60, out, op);
    length -= 60;
  }
  return emitCopyUpTo64(offset, length, out, op);
}

function emitCopyUpTo64(offset: number, length: number, out: Uint8Array, op: number): number {
  if (length < 12 && offset < 2048) {
    out[op++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 | ((length - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}
