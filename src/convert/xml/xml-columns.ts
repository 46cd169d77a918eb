/**
 * Which column each record field goes to, and the columns' names. A field is a key of one of
 * three kinds: a child element name, an attribute name of the record element, or `#text` (the
 * record element's own text).
 *
 * During the sample every new key becomes a column, in order of first appearance (within a
 * record: its attributes, its child elements, then `#text`). Names after the sample (planSample):
 *   element `n` → `n`; `#text` → `#text`;
 *   attribute `n` → `n`, or `@n` when the sample also has a child element `n` (the element keeps
 *   the plain name: elements are what most exports use, attributes the exception);
 *   then makeColumnNames makes them unique ignoring case (`Name` next to `name` → `name_2`).
 * Override columns the sample did not have follow, in the overrides' order, each waiting for the
 * key that will claim it.
 *
 * After the sample a new key gets, on first sight, the name the same rule gives against every
 * name known at that moment: element `n`, or attribute `n` (`@n` if the name is taken), with `_2`,
 * `_3`... until it is not taken (ignoring case), stopping early at a waiting override column of
 * exactly that name, which it claims. Otherwise the key is provisional (index >= width): a value in
 * it throws WidenNeeded "absent", and the next attempt has its name in the overrides. New keys
 * appear in the same order on every attempt, so they get the same names and claim their columns.
 */

import type { ColumnSpec, ColumnType } from "../column-types.ts";
import { makeColumnNames } from "../csv/column-names.ts";
import { ByteKeyTable } from "./byte-key-table.ts";

export const ELEMENT_KEY = 0;
export const ATTRIBUTE_KEY = 1;
export const TEXT_KEY = 2;

export interface ColumnRename {
  column: number;
  from: string;
  to: string;
  why: string;
}

export class XmlColumns {
  private readonly elements = new ByteKeyTable();
  private readonly attributes = new ByteKeyTable();
  private elementColumn: number[] = [];
  private attributeColumn: number[] = [];
  private textColumn = -1;
  /** Per column (provisional ones included): its key's kind and raw name, and its name. */
  readonly kinds: number[] = [];
  readonly raws: string[] = [];
  readonly names: string[] = [];
  /** Columns of the Parquet schema (sample + overrides); indexes past it are provisional. */
  width = 0;
  private sampling = true;
  private readonly waiting = new Map<string, number>(); // override name → its column, until claimed
  private readonly waitingLower = new Set<string>();
  private readonly taken = new Set<string>(); // lower-cased names of the sample's, claimed and provisional columns

  get count(): number {
    return this.names.length;
  }

  element(buf: Uint8Array, start: number, end: number): number {
    const id = this.elements.find(buf, start, end);
    if (id >= 0) return this.elementColumn[id]!;
    const added = this.elements.add(buf, start, end);
    return (this.elementColumn[added] = this.newColumn(ELEMENT_KEY, this.elements.names[added]!));
  }

  attribute(buf: Uint8Array, start: number, end: number): number {
    const id = this.attributes.find(buf, start, end);
    if (id >= 0) return this.attributeColumn[id]!;
    const added = this.attributes.add(buf, start, end);
    return (this.attributeColumn[added] = this.newColumn(ATTRIBUTE_KEY, this.attributes.names[added]!));
  }

  text(): number {
    if (this.textColumn < 0) this.textColumn = this.newColumn(TEXT_KEY, "#text");
    return this.textColumn;
  }

  /**
   * Ends the sample: names the sample's columns, applies the overrides and appends the override
   * columns the sample lacks. `types` are the sample's inferred types, by column.
   */
  planSample(types: readonly ColumnType[], overrides: ReadonlyMap<string, ColumnType> | undefined): { columns: ColumnSpec[]; renames: ColumnRename[] } {
    const n = this.names.length;
    const elementNames = new Set(this.raws.filter((_, c) => this.kinds[c] === ELEMENT_KEY));
    const wanted = this.raws.map((raw, c) => (this.kinds[c] === ATTRIBUTE_KEY && elementNames.has(raw) ? `@${raw}` : raw));
    const named = makeColumnNames(wanted, n);
    const renames: ColumnRename[] = [];
    for (let c = 0; c < n; c++) {
      if (wanted[c] !== this.raws[c]) renames.push({ column: c + 1, from: this.raws[c]!, to: wanted[c]!, why: "an attribute and a child element share the name" });
    }
    for (const r of named.renames) renames.push({ ...r, from: wanted[r.column - 1]!, why: "duplicate" });
    const columns: ColumnSpec[] = named.names.map((name, c) => ({ name, type: overrides?.get(name) ?? types[c] ?? "STRING" }));
    named.names.forEach((name, c) => {
      this.names[c] = name;
      this.taken.add(name.toLowerCase());
    });
    for (const [name, type] of overrides ?? []) {
      if (named.names.includes(name)) continue;
      this.waiting.set(name, this.names.length);
      this.waitingLower.add(name.toLowerCase());
      this.kinds.push(-1);
      this.raws.push(name);
      this.names.push(name);
      columns.push({ name, type });
    }
    this.width = columns.length;
    this.sampling = false;
    return { columns, renames };
  }

  private newColumn(kind: number, raw: string): number {
    if (this.sampling) {
      this.kinds.push(kind);
      this.raws.push(raw);
      this.names.push(raw);
      return this.names.length - 1;
    }
    // A waiting override column is not taken: it is where this very key may be going.
    const base = kind === ATTRIBUTE_KEY && this.taken.has(raw.toLowerCase()) ? `@${raw}` : raw;
    for (let k = 1; ; k++) {
      const name = k === 1 ? base : `${base}_${k}`;
      const lower = name.toLowerCase();
      const claim = this.waiting.get(name);
      if (claim !== undefined) {
        this.waiting.delete(name);
        this.waitingLower.delete(lower);
        this.taken.add(lower);
        this.kinds[claim] = kind;
        this.raws[claim] = raw;
        return claim;
      }
      if (this.taken.has(lower) || this.waitingLower.has(lower)) continue;
      this.taken.add(lower);
      this.kinds.push(kind);
      this.raws.push(raw);
      this.names.push(name);
      return this.names.length - 1;
    }
  }
}
