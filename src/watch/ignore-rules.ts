/**
 * Which names in the watched folder are never processed. Writers commonly create a temporary name
 * and rename it when done (browsers: .crdownload/.part, rsync: .name.XXXXXX, editors: ~ and .swp,
 * curl/wget: .part/.tmp); dotfiles and dot-folders are private by convention and hold dsp's own
 * default error and state folders. The error and state folders are excluded by path as well, for
 * when they are configured inside the watched folder under a visible name.
 */

const TEMP_SUFFIXES = [".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", ".swx", "~"];

export function isIgnoredName(name: string): boolean {
  if (name.startsWith(".")) return true;
  const lower = name.toLowerCase();
  return TEMP_SUFFIXES.some((s) => lower.endsWith(s));
}

export class IgnoreRules {
  private readonly excludedDirs: string[];

  constructor(excludedDirs: readonly string[]) {
    this.excludedDirs = excludedDirs.map((d) => d.replace(/\/+$/, ""));
  }

  /** For an absolute path below the watched folder: true when it or a parent is ignored. */
  ignoresPath(absPath: string, watchDir: string): boolean {
    if (this.isExcludedDir(absPath)) return true;
    const rel = absPath.slice(watchDir.length + 1);
    if (rel === "") return false;
    return rel.split("/").some(isIgnoredName);
  }

  isExcludedDir(absPath: string): boolean {
    return this.excludedDirs.some((d) => absPath === d || absPath.startsWith(d + "/"));
  }
}
