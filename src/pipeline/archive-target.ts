/**
 * An archive's target in S3 (its folder, or a compressed file's inner name: archive-naming.ts) must
 * belong to it alone. Two sources writing the same keys would overwrite each other, the winner
 * decided by timing, and worse: when one of them changes, its stale-object removal (or its failure
 * cleanup) deletes objects that are now the other's, which the progress log still calls uploaded.
 *
 * The rule, the same as for a table next to its Parquet name (file-job.ts): what is already a
 * plain part of the watched folder wins, and the archive fails with KEY_CONFLICT before it uploads
 * or removes anything:
 *  - `bundle.zip` beside a folder `bundle/`;
 *  - `app.log.gz` beside `app.log`; `x.csv.gz` beside `x.csv` or `x.parquet`;
 *  - of two archives with one target (`logs.tar.gz`, `logs.zip`; `x.csv.gz`, `x.csv.xz`), the one
 *    whose name sorts first wins, so exactly one of them goes up whatever the order they are read in.
 * Only names are compared (an archive recognised by its magic bytes alone, `data.bin`, targets
 * `data.bin/`, which no plain file can be).
 */
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { archiveNaming } from "../archive/archive-naming.ts";
import { parquetPathFor, tableFormatOf } from "../convert/table-kind.ts";
import { DspError } from "../errors.ts";

export async function refuseTargetConflict(watchDir: string, relPath: string, convertTables: boolean): Promise<void> {
  const naming = archiveNaming(relPath);
  if (!naming) return;
  const slash = relPath.lastIndexOf("/");
  const dir = relPath.slice(0, slash + 1);
  const name = relPath.slice(slash + 1);
  const conflict = (what: string) =>
    new DspError("KEY_CONFLICT", `${what}: its objects and this archive's would share keys under ${naming.target}`, { file: relPath, key: naming.target });

  if (naming.kind === "folder") {
    if ((await kindAt(join(watchDir, naming.target))) === "directory") throw conflict(`the watched folder has a folder ${naming.target}/`);
  } else {
    const plain = [naming.target];
    if (convertTables && tableFormatOf(naming.target)) plain.push(parquetPathFor(naming.target));
    for (const p of plain) if ((await kindAt(join(watchDir, p))) !== undefined) throw conflict(`the watched folder has ${p}`);
  }
  let siblings: string[];
  try {
    siblings = await readdir(join(watchDir, dir));
  } catch {
    return; // the folder is gone: the job notices the file is gone too
  }
  for (const other of siblings.sort()) {
    if (other >= name) break;
    if (archiveNaming(dir + other)?.target === naming.target) throw conflict(`${dir + other} has the same target and its name sorts first`);
  }
}

async function kindAt(path: string): Promise<"directory" | "other" | undefined> {
  try {
    return (await lstat(path)).isDirectory() ? "directory" : "other";
  } catch {
    return undefined;
  }
}
