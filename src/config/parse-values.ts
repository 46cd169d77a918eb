/**
 * Parsers for .env values. Each returns the typed value or throws a ValueError whose message says
 * what was expected; the caller adds the key name. Pure functions, no I/O.
 */

export class ValueError extends Error {}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

/** "8MiB", "8M" (binary), "8MB" (decimal), "1.5GiB", "1048576" → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ValueError(`expected a size such as 8MiB, 512KiB, 2GB or a number of bytes, got "${text}"`);
  }
  const bytes = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new ValueError(`size "${text}" is too large`);
  return bytes;
}

const DURATION_UNITS: Record<string, number> = { "": 1000, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "500ms", "5s", "2m", "1h", or a bare number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? DURATION_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new ValueError(`expected a duration such as 500ms, 5s, 2m or 1h, got "${text}"`);
  }
  return Math.round(Number(m[1]) * unit);
}

export function parseInteger(text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ValueError(`expected a whole number, got "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new ValueError(`number "${text}" is too large`);
  return n;
}

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

export function parseBoolean(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new ValueError(`expected true or false, got "${text}"`);
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (text: string): T => {
    const t = text.trim().toLowerCase();
    const hit = choices.find((c) => c.toLowerCase() === t);
    if (hit === undefined) throw new ValueError(`expected one of ${choices.join(", ")}, got "${text}"`);
    return hit;
  };
}

export function parseHttpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ValueError(`expected an http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ValueError(`expected an http:// or https:// URL, got "${text}"`);
  }
  if (url.search || url.hash) throw new ValueError(`the endpoint URL must not have a query or fragment, got "${text}"`);
  return url.toString().replace(/\/$/, "");
}

/**
 * S3 bucket naming rules (the strict, DNS-compatible set every S3-compatible store accepts):
 * 3–63 characters, lowercase letters, digits, dots and hyphens, starting and ending with a letter
 * or digit, not an IP address.
 */
export function parseBucketName(text: string): string {
  const b = text.trim();
  if (b.length < 3 || b.length > 63) throw new ValueError(`a bucket name has 3 to 63 characters, got "${text}"`);
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(b)) {
    throw new ValueError(
      `a bucket name uses lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit, got "${text}"`,
    );
  }
  if (b.includes("..")) throw new ValueError(`a bucket name cannot contain "..", got "${text}"`);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(b)) throw new ValueError(`a bucket name cannot look like an IP address, got "${text}"`);
  return b;
}

/**
 * The key prefix is treated as a folder: no leading slash, trailing slash added, no empty or
 * dot segments (they would produce keys that differ from the local relative path).
 */
export function parseKeyPrefix(text: string): string {
  const p = text.trim();
  if (p === "") return "";
  if (p.startsWith("/")) throw new ValueError(`the prefix must not start with "/", got "${text}"`);
  const segments = p.replace(/\/+$/, "").split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new ValueError(`the prefix must not contain empty, "." or ".." segments, got "${text}"`);
  }
  if (/[\u0000-\u001f\u007f]/.test(p)) throw new ValueError(`the prefix must not contain control characters`);
  return segments.join("/") + "/";
}

export function parseNonEmpty(text: string): string {
  if (text.trim() === "") throw new ValueError("expected a value, got an empty string");
  return text.trim();
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[i]}`;
}
