/**
 * Reads the "Method" column of 7-Zip's technical listing (`7z l -slt`): which coders an entry goes
 * through, how much memory its decoder declares (the dictionary, or PPMd's model size), and whether
 * one of the coders is a cipher.
 *
 * What 7-Zip prints, per format (space-separated coders, ":"-separated properties):
 *   7z    "LZMA2:24"  "LZMA:24"  "LZMA2:1536k"  "PPMD:o6:mem24"  "BZip2"  "Copy"  "Deflate"
 *         "BCJ2 LZMA2:26 LZMA:20 LZMA:20"  "LZMA2:24 7zAES:19" (encrypted)
 *   RAR5  "v6:m3:4M"  "v5:m0:128K"  "v6:m3:4M AES:15:1" (encrypted)  "v6:m0" (a directory)
 *   RAR4  "m3:22" (dictionary 2^22)  "m0:16"
 * A bare number is a power of two (log2 of the size), a number with K/M/G (either case) a size.
 *
 * Invariants: only coders known to allocate a window are read (LZMA, LZMA2, PPMd, RAR's m0–m5
 * with its v-prefix for RAR5, Deflate/Deflate64 fixed); filters (BCJ, BCJ2, ARM64, Delta:4...)
 * and the cipher's cycle counts ("7zAES:19", "AES:15:1") are not sizes and are never read as one.
 * The entry's figure is the largest of its coders: xz -9 and 7-Zip's ultra preset (LZMA2:26 plus
 * BCJ2's two small LZMA streams) stay at the 64 MiB they document.
 */

export interface MethodInfo {
  /** Largest window/model any coder declares, in bytes; undefined when none declares one. */
  dictionaryBytes?: number;
  /** A coder is a cipher (7zAES, RAR5 AES). RAR4 marks encryption only in the Encrypted column. */
  encrypted: boolean;
}

const UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "24" → 2^24; "1536k" → 1536 KiB; "4M" → 4 MiB; anything else → undefined. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)[bB]?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit === "") return n <= 62 ? 2 ** n : undefined;
  return n * UNITS[unit]!;
}

const CIPHERS = new Set(["7zaes", "aes", "zipcrypto", "rar5aes", "rar3aes", "rar29aes"]);

function coderDictionary(coder: string): number | undefined {
  const parts = coder.split(":");
  const name = parts[0]!.toLowerCase();
  const props = parts.slice(1);
  if (name === "lzma" || name === "lzma2") return props.length > 0 ? parseSize(props[0]!) : undefined;
  if (name === "ppmd") {
    const mem = props.find((p) => p.startsWith("mem"));
    return mem === undefined ? undefined : parseSize(mem.slice(3));
  }
  if (name === "deflate") return 32 * 1024;
  if (name === "deflate64") return 64 * 1024;
  // RAR4: "m3:22" — method then log2 of the dictionary.
  if (/^m[0-5]$/.test(name)) return props.length > 0 ? parseSize(props[0]!) : undefined;
  // RAR5: "v6:m3:4M" (or "v6c:..." for RAR 5 compatible RAR 7 archives): the size is the part
  // after the method; 7-Zip 24 prints "v6:128K:m0" in the archive's own summary line, so any part
  // that is a size counts.
  if (/^v\d+c?$/.test(name)) {
    let max: number | undefined;
    for (const p of props) {
      if (/^m\d$/.test(p)) continue;
      const size = parseSize(p);
      if (size !== undefined) max = Math.max(max ?? 0, size);
    }
    return max;
  }
  return undefined;
}

export function parseMethod(method: string): MethodInfo {
  let dictionaryBytes: number | undefined;
  let encrypted = false;
  for (const coder of method.split(/\s+/)) {
    if (coder === "") continue;
    const name = coder.split(":")[0]!.toLowerCase();
    if (CIPHERS.has(name) || name.startsWith("aes-")) {
      encrypted = true;
      continue;
    }
    const size = coderDictionary(coder);
    if (size !== undefined) dictionaryBytes = Math.max(dictionaryBytes ?? 0, size);
  }
  return dictionaryBytes === undefined ? { encrypted } : { dictionaryBytes, encrypted };
}
