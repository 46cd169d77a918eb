/**
 * The manifest of an archive: the completion marker of the objects its entries became (DESIGN.md
 * invariant 3). It is written last, after every object was uploaded and verified; an archive's set
 * in S3 counts only while its manifest exists, and the manifest says exactly which objects belong to
 * it, so a later version can remove the entries it no longer has.
 *
 * Layout: `<prefix>.dsp/manifests/<relative path of the archive>.json` — one reserved folder for
 * every internal object, so listing or syncing the data never meets a manifest by accident. A path
 * too long for a key (1,024 bytes) uses the SHA-256 of the path instead. Keys under `<prefix>.dsp/`
 * are refused for data (object-naming.ts, objectKey).
 *
 * Format (JSON, `format` 1): source path, size and mtime (the fingerprint of the version it
 * describes), dsp version, creation time, and one row per object: key, size, ETag (the checksum S3
 * agreed to: MD5 for one part, MD5-of-MD5s for multipart), the entry chain it came from, and for
 * converted tables the row count. Skipped entries (links, devices) are listed with the reason.
 */
import { createHash } from "node:crypto";
import { MAX_KEY_BYTES, RESERVED_TOP_FOLDER } from "./object-naming.ts";
import { VERSION } from "../version.ts";
import type { Fingerprint } from "../watch/fingerprint.ts";

const MANIFESTS = `${RESERVED_TOP_FOLDER}manifests/`;

export interface ManifestObject {
  key: string;
  size: number;
  etag: string;
  /** The chain of names it came from ("bundle.zip > d/y.csv"). */
  entry: string;
  converted?: "parquet";
  rows?: number;
}

export interface Manifest {
  format: 1;
  source: string;
  source_size: string;
  source_mtime_ns: string;
  dsp_version: string;
  created_at: string;
  objects: ManifestObject[];
  skipped: { entry: string; reason: string }[];
}

export function manifestKeyFor(prefix: string, relPath: string): string {
  const readable = `${prefix}${MANIFESTS}${relPath}.json`;
  if (Buffer.byteLength(readable, "utf8") <= MAX_KEY_BYTES) return readable;
  return `${prefix}${MANIFESTS}by-hash/${createHash("sha256").update(relPath).digest("hex")}.json`;
}

export function isManifestKey(prefix: string, key: string): boolean {
  return key.startsWith(`${prefix}${MANIFESTS}`) && key.endsWith(".json");
}

export function buildManifest(relPath: string, fp: Fingerprint, objects: ManifestObject[], skipped: Manifest["skipped"], now: Date): Manifest {
  return {
    format: 1,
    source: relPath,
    source_size: fp.size.toString(),
    source_mtime_ns: fp.mtimeNs.toString(),
    dsp_version: VERSION,
    created_at: now.toISOString(),
    objects,
    skipped,
  };
}

/** Parses a manifest read back from S3; undefined when it is not one (damaged, foreign). */
export function parseManifest(text: string): Manifest | undefined {
  try {
    const m = JSON.parse(text) as Manifest;
    if (m?.format !== 1 || !Array.isArray(m.objects) || !m.objects.every((o) => typeof o?.key === "string")) return undefined;
    return m;
  } catch {
    return undefined;
  }
}
