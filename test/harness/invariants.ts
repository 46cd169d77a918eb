/**
 * The end state every crash test checks once dsp has settled: each file of the watched folder has
 * exactly its object at its key, with its bytes; each file in the error folder has its sidecar; no
 * multipart upload is left; no object sits at a key no file maps to; the progress log replays
 * cleanly. Returns a list of violations (empty = all good), so a failing test says all of them.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { replay } from "../../src/progress/replay.ts";
import type { TestBucket } from "./bucket.ts";

export interface SettleExpectation {
  watch: string;
  errorDir: string;
  stateDir: string;
  prefix?: string;
  /** Keys that may exist without a file (e.g. objects of files deleted on purpose by the test). */
  extraKeys?: Set<string>;
  /**
   * Where a file's object lives when it is not at its own path (a converted table: `x.csv` →
   * `x.parquet`); such an object is checked to be a Parquet file, not to hold the file's bytes.
   */
  mapKey?: (relPath: string) => string;
  /**
   * Files that are archives: each has its manifest at `.dsp/manifests/<path>.json`, and every
   * object the manifest lists exists with the listed size and ETag (the set is whole).
   */
  isArchive?: (relPath: string) => boolean;
}

export async function settledViolations(bucket: TestBucket, x: SettleExpectation): Promise<string[]> {
  const problems: string[] = [];
  const prefix = x.prefix ?? "";
  const objects = new Map((await bucket.objects()).map((o) => [o.key, o]));
  const expected = new Set<string>();
  for (const rel of walk(x.watch, x.errorDir)) {
    if (x.isArchive?.(rel)) {
      problems.push(...(await archiveViolations(bucket, prefix, rel, objects, expected)));
      continue;
    }
    const mapped = x.mapKey?.(rel) ?? rel;
    const key = prefix + mapped;
    expected.add(key);
    const o = objects.get(key);
    if (!o) {
      problems.push(`missing object for ${rel}`);
      continue;
    }
    const remote = await bucket.bytes(key);
    if (mapped !== rel) {
      const magic = new TextDecoder().decode(remote.subarray(0, 4)) + new TextDecoder().decode(remote.subarray(remote.length - 4));
      if (magic !== "PAR1PAR1") problems.push(`object ${key} for ${rel} is not a Parquet file`);
      continue;
    }
    const local = readFileSync(join(x.watch, rel));
    if (md5(local) !== md5(remote)) problems.push(`object ${key} differs from ${rel} (${remote.length} vs ${local.length} bytes)`);
  }
  for (const key of objects.keys()) {
    if (!expected.has(key) && !x.extraKeys?.has(key)) problems.push(`unexpected object ${key}`);
  }
  if (existsSync(x.errorDir)) {
    for (const rel of walk(x.errorDir, undefined)) {
      if (rel.endsWith(".error.json")) continue;
      if (!existsSync(join(x.errorDir, `${rel}.error.json`))) problems.push(`error-folder file ${rel} has no sidecar`);
    }
  }
  const uploads = await bucket.multipartUploads();
  for (const u of uploads) problems.push(`multipart upload left: ${u.key} ${u.uploadId}`);
  const log = join(x.stateDir, "progress.log");
  if (existsSync(log)) {
    const r = replay(new Uint8Array(readFileSync(log)));
    if (r.end.kind !== "clean") problems.push(`progress log does not replay cleanly: ${JSON.stringify(r.end)}`);
  } else {
    problems.push("no progress log");
  }
  return problems;
}

/** The archive's manifest exists and names a whole set of objects (all added to `expected`). */
async function archiveViolations(
  bucket: TestBucket,
  prefix: string,
  rel: string,
  objects: Map<string, { key: string; size: number; etag: string }>,
  expected: Set<string>,
): Promise<string[]> {
  const manifestKey = `${prefix}.dsp/manifests/${rel}.json`;
  expected.add(manifestKey);
  if (!objects.has(manifestKey)) return [`missing manifest for archive ${rel}`];
  const manifest = JSON.parse(new TextDecoder().decode(await bucket.bytes(manifestKey))) as { objects: { key: string; size: number; etag: string }[] };
  const problems: string[] = [];
  for (const o of manifest.objects) {
    expected.add(o.key);
    const actual = objects.get(o.key);
    if (!actual) problems.push(`object ${o.key} listed by the manifest of ${rel} is missing`);
    else if (actual.size !== o.size || actual.etag.replaceAll('"', "") !== o.etag.replaceAll('"', "")) {
      problems.push(`object ${o.key} differs from the manifest of ${rel} (${actual.size} bytes, ${actual.etag})`);
    }
  }
  return problems;
}

/** Relative paths of regular files below root, skipping dot names and `exclude`. */
export function walk(root: string, exclude: string | undefined, rel = ""): string[] {
  const out: string[] = [];
  const dir = rel ? join(root, rel) : root;
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const r = rel ? `${rel}/${name}` : name;
    const abs = join(root, r);
    if (exclude && abs === exclude) continue;
    const st = statSync(abs);
    if (st.isDirectory()) out.push(...walk(root, exclude, r));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

function md5(b: Uint8Array): string {
  return createHash("md5").update(b).digest("hex");
}
