/**
 * The columns of a JSON table: which keys, what names, which types, decided from the sample and
 * the overrides earlier attempts learned.
 *
 *   - Columns are the sample's keys in order of first appearance, typed by joining their values
 *     (json-kinds.ts); a key with only nulls in the sample is STRING.
 *   - Names are the keys as they are, made unique and non-empty as the CSV header is
 *     (csv/column-names.ts): an empty or blank key becomes `column_<n>`, and keys equal but for
 *     case (`id`, `ID`; engines resolve names case-insensitively) become `ID_2`, ...
 *   - Overrides (name → type) replace the sample's type of that column; an override naming no
 *     sample column is a key the sample did not have: it becomes an extra column after the
 *     sample's, in the overrides' order, all null until its key turns up.
 *
 * A key first met after the sample (LateKeys) takes an extra column if one was made for it, else
 * the run must restart with it (WidenNeeded "absent", thrown by the caller). Its name follows the
 * same rules against every name already used, and since each attempt reads the same file in the
 * same order, the name a key gets when it asks for a column is the name it finds in the next
 * attempt: so keys and extra columns meet again by name.
 */

import type { ColumnSpec, ColumnType } from "../column-types.ts";
import { makeColumnNames, type ColumnRename } from "../csv/column-names.ts";
import { CellKind } from "../infer/index.ts";
import { classifyJson, joinJson } from "./json-kinds.ts";
import type { RecordParser } from "./record-parser.ts";
import type { RecordSink } from "./record-stream.ts";

/** Sample sink: infers each key's type from the records it sees. Index = key id. */
export class SampleInference implements RecordSink {
  readonly types: (ColumnType | null)[] = [];
  private readonly bigInts: boolean[] = [];
  records = 0;

  record(p: RecordParser): void {
    const rec = p.record;
    const n = p.keys.count;
    while (this.types.length < n) {
      this.types.push(null);
      this.bigInts.push(false);
    }
    for (let k = 0; k < n; k++) {
      if (p.stamp[k] !== rec) continue;
      const type = this.types[k]!;
      if (type === "STRING") continue;
      const kind = classifyJson(p.kinds[k]!, p.inScratch[k] === 1 ? p.scratch : p.source, p.starts[k]!, p.ends[k]!);
      if (kind === CellKind.INT_BIG) this.bigInts[k] = true;
      this.types[k] = joinJson(type, kind, !this.bigInts[k]);
    }
    this.records++;
  }
}

export interface ColumnPlan {
  /** Sample columns, then extra columns. */
  columns: ColumnSpec[];
  /** The sample's keys (UTF-8 bytes), column i is key i. */
  sampleKeys: Uint8Array[];
  renames: ColumnRename[];
}

/** The table's columns from the sample parser's keys, the inferred types and the overrides. */
export function planColumns(parser: RecordParser, inference: SampleInference, overrides: ReadonlyMap<string, ColumnType> | undefined): ColumnPlan {
  const count = parser.keys.count;
  const keys = Array.from({ length: count }, (_, id) => parser.keys.name(id));
  const { names, renames } = makeColumnNames(keys, count);
  const columns: ColumnSpec[] = names.map((name, id) => ({ name, type: overrides?.get(name) ?? inference.types[id] ?? "STRING" }));
  const sampleNames = new Set(names);
  for (const [name, type] of overrides ?? []) if (!sampleNames.has(name)) columns.push({ name, type });
  return { columns, sampleKeys: Array.from({ length: count }, (_, id) => parser.keys.bytesOf(id)), renames };
}

/** Names and extra columns for keys met after the sample (see the top comment). */
export class LateKeys {
  /** Lower-cased names of every column. */
  private readonly taken: Set<string>;
  /** Extra columns no key has claimed yet: name → column index. */
  private readonly unbound = new Map<string, number>();
  private bound = 0;
  readonly renames: ColumnRename[] = [];

  constructor(
    private readonly columns: readonly ColumnSpec[],
    private readonly sampleCount: number,
  ) {
    this.taken = new Set(columns.map((c) => c.name.toLowerCase()));
    for (let c = sampleCount; c < columns.length; c++) this.unbound.set(columns[c]!.name, c);
  }

  /** The extra column for `key` (a column index), or the name a new column for it must take. */
  resolve(key: string): number | string {
    const blank = key.trim() === "";
    const base = blank ? `column_${this.sampleCount + this.bound + 1}` : key;
    for (let k = 1; ; k++) {
      const candidate = k === 1 ? base : `${base}_${k}`;
      const column = this.unbound.get(candidate);
      if (column !== undefined) {
        this.unbound.delete(candidate);
        this.bound++;
        if (candidate !== key) this.renames.push({ column: column + 1, from: key, to: candidate, why: blank ? "empty" : "duplicate" });
        return column;
      }
      if (!this.taken.has(candidate.toLowerCase())) return candidate;
    }
  }

  /** Where a new column goes: after every column there is. */
  get nextColumn(): number {
    return this.columns.length;
  }
}
