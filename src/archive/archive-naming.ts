/**
 * Where an archive's contents go, by its name (DESIGN.md "S3 keys"): the entries of `a/b/bundle.zip`
 * go under `a/b/bundle/`, and a single compressed file `a/b/x.csv.gz` becomes `a/b/x.csv` (then, being
 * a table, `a/b/x.parquet`). The archive itself is never uploaded.
 *
 * The table (suffixes matched case-insensitively, longest first):
 *
 *   suffix                                  kind         a/b/NAME.suffix →
 *   .tar.gz .tgz .tar.bz2 .tbz2 .tbz        folder       a/b/NAME/<entry>
 *   .tar.xz .txz .tar.lzma .tlz
 *   .zip .tar .7z .rar                      folder       a/b/NAME/<entry>
 *   .gz .bz2 .xz .lzma                      single-file  a/b/NAME   (x.csv.gz → x.csv, x.gz → x)
 *   anything else                           (none)       unchanged: a/b/data.bin/<entry> if the
 *                                                        magic bytes say it is an archive anyway
 *
 * Invariants:
 *  - Only the last path segment is touched; the folders above it are kept as they are.
 *  - A stem that would be empty (`a/.zip`, `.tar.gz`) keeps the whole name: no entry can land at the
 *    parent folder itself, and no object exists at the archive's own key to collide with.
 *  - Peeling one compression layer and then naming the folder gives the same result as naming the
 *    folder directly: archiveFolderFor(innerNameFor("x.tar.gz")) === archiveFolderFor("x.tar.gz"),
 *    so a pipeline that unwraps gzip first and detects the tar afterwards lands in the same place.
 *
 * Two archives in the same folder with the same stem (`bundle.zip`, `bundle.tar.gz`), or an archive
 * beside a real folder of that name, would share a folder in S3: src/pipeline/archive-target.ts
 * lets only one of them go up.
 */

export type ArchiveNamingKind = "folder" | "single-file";

export interface ArchiveNaming {
  /** The folder for the entries, or the inner file's name for a single compressed file. */
  target: string;
  kind: ArchiveNamingKind;
  /** The suffix that matched, lower-cased, with its dot (".tar.gz"). */
  suffix: string;
}

// Longest first, so ".tar.gz" wins over ".gz".
const FOLDER_SUFFIXES = [".tar.lzma", ".tar.bz2", ".tar.gz", ".tar.xz", ".tbz2", ".tbz", ".tgz", ".txz", ".tlz", ".tar", ".zip", ".rar", ".7z"];
const SINGLE_SUFFIXES = [".lzma", ".bz2", ".gz", ".xz"];
// One compression layer off: what the decompressed stream is called.
const PEEL: Record<string, string> = {
  ".tar.gz": ".tar",
  ".tar.bz2": ".tar",
  ".tar.xz": ".tar",
  ".tgz": ".tar",
  ".tbz2": ".tar",
  ".tbz": ".tar",
  ".txz": ".tar",
  ".tar.lzma": ".tar",
  ".tlz": ".tar",
  ".gz": "",
  ".bz2": "",
  ".xz": "",
  ".lzma": "",
};

/** The naming rule that applies to `relPath`, or null when its name is not an archive name. */
export function archiveNaming(relPath: string): ArchiveNaming | null {
  const slash = relPath.lastIndexOf("/");
  const dir = relPath.slice(0, slash + 1);
  const base = relPath.slice(slash + 1);
  const lower = base.toLowerCase();
  for (const [suffixes, kind] of [
    [FOLDER_SUFFIXES, "folder"],
    [SINGLE_SUFFIXES, "single-file"],
  ] as const) {
    for (const suffix of suffixes) {
      if (!lower.endsWith(suffix)) continue;
      const stem = base.slice(0, base.length - suffix.length);
      return { target: dir + (stem === "" ? base : stem), kind, suffix };
    }
  }
  return null;
}

/** The S3 folder for the entries of the archive at `relPath` (or the inner name, see the table). */
export function archiveFolderFor(relPath: string): string {
  return archiveNaming(relPath)?.target ?? relPath;
}

/**
 * The name of what one decompression layer yields: x.tar.gz → x.tar, x.tgz → x.tar, x.csv.gz → x.csv.
 * Used to detect (by magic and name) what came out of a gzip/bzip2/xz stream. Names without a
 * compression suffix are returned unchanged (a `.csv` that is really gzip decompresses to the `.csv`).
 */
export function innerNameFor(relPath: string): string {
  const naming = archiveNaming(relPath);
  const peeled = naming === null ? undefined : PEEL[naming.suffix];
  if (naming === null || peeled === undefined) return relPath;
  const slash = relPath.lastIndexOf("/");
  const base = relPath.slice(slash + 1);
  const stem = base.slice(0, base.length - naming.suffix.length);
  if (stem === "") return relPath;
  return relPath.slice(0, slash + 1) + stem + peeled;
}
