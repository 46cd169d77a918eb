/**
 * Column names for the Parquet schema: unique and non-empty. An empty (or blank) name becomes
 * `column_<n>` (n = 1-based position); a repeated name becomes `<name>_2`, `<name>_3`... skipping
 * any suffix another column already uses. Names are compared case-insensitively, because the
 * engines that read the Parquet (DuckDB, Athena, Spark) resolve column names that way and would
 * refuse or shadow `Name` next to `name`. Without a header every column is `column_<n>`.
 * Every change is returned so the caller can report it; names are otherwise kept as they are.
 */

export interface ColumnRename {
  /** 1-based column position. */
  column: number;
  from: string;
  to: string;
  why: "empty" | "duplicate";
}

export interface ColumnNames {
  names: string[];
  renames: ColumnRename[];
}

/** Names for `count` columns from the header row (null: no header). Header entries past `count` are ignored. */
export function makeColumnNames(header: readonly string[] | null, count: number): ColumnNames {
  const names: string[] = [];
  const renames: ColumnRename[] = [];
  if (header === null) {
    for (let i = 1; i <= count; i++) names.push(`column_${i}`);
    return { names, renames };
  }
  const raw = Array.from({ length: count }, (_, i) => header[i] ?? "");
  // First occurrences keep their names, so a later duplicate never takes a name that exists.
  const taken = new Set<string>();
  const keep = raw.map((name) => {
    const key = name.toLowerCase();
    if (name.trim() === "" || taken.has(key)) return false;
    taken.add(key);
    return true;
  });
  for (let i = 0; i < count; i++) {
    const name = raw[i]!;
    if (keep[i]) {
      names.push(name);
      continue;
    }
    const empty = name.trim() === "";
    const base = empty ? `column_${i + 1}` : name;
    let candidate = base;
    for (let k = 2; taken.has(candidate.toLowerCase()); k++) candidate = `${base}_${k}`;
    taken.add(candidate.toLowerCase());
    names.push(candidate);
    renames.push({ column: i + 1, from: name, to: candidate, why: empty ? "empty" : "duplicate" });
  }
  return { names, renames };
}
