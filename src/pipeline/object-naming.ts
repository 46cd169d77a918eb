/**
 * Where a file goes in S3 and how the object describes itself.
 *  - key: prefix + the path relative to the watched folder, "/"-separated, at most 1,024 UTF-8
 *    bytes (the S3 limit); control characters are refused because S3's XML listings cannot carry
 *    most of them and no tool downstream expects them;
 *  - content type from the extension, by the `mime` package's maintained mapping;
 *  - user metadata naming the source (relative path, size, mtime), so that the state can be rebuilt
 *    from the bucket alone. Header values must be ASCII, so the path is percent-encoded.
 */
import mime from "mime";
import { DspError } from "../errors.ts";
import type { Fingerprint } from "../watch/fingerprint.ts";
import { VERSION } from "../version.ts";

export const MAX_KEY_BYTES = 1024;

/** Keys under `<prefix>.dsp/` are dsp's own (archive manifests, archive-manifest.ts). */
export const RESERVED_TOP_FOLDER = ".dsp/";

export function objectKey(prefix: string, relPath: string): string {
  const key = prefix + relPath;
  if (relPath.startsWith(RESERVED_TOP_FOLDER)) {
    throw new DspError("KEY_CONFLICT", `keys under ${prefix}${RESERVED_TOP_FOLDER} are reserved for dsp's archive manifests`, { file: relPath, key });
  }
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new DspError("KEY_INVALID", "the file name contains control characters, which S3 keys cannot carry safely", {
      file: relPath,
    });
  }
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > MAX_KEY_BYTES) {
    throw new DspError("KEY_INVALID", `the S3 key would be ${bytes} bytes long; S3 allows ${MAX_KEY_BYTES}`, {
      file: relPath,
      key: key.slice(0, 100) + "…",
    });
  }
  return key;
}

export function contentTypeFor(name: string): string {
  return mime.getType(name) ?? "application/octet-stream";
}

/** Metadata keys (sent as x-amz-meta-<name>). Later readers depend on these names: do not rename. */
export const META = {
  source: "dsp-source",
  size: "dsp-source-size",
  mtimeNs: "dsp-source-mtime-ns",
  version: "dsp-version",
  /** For an archive's objects: the chain of names inside the archive ("bundle.zip > d/y.csv"). */
  entry: "dsp-source-entry",
} as const;

export function sourceMetadata(relPath: string, fp: Fingerprint): Record<string, string> {
  return {
    [META.source]: encodeURIComponent(relPath),
    [META.size]: fp.size.toString(),
    [META.mtimeNs]: fp.mtimeNs.toString(),
    [META.version]: VERSION,
  };
}
