/**
 * Appends each record's value slots (record-mapping.ts) to the typed column builders: the
 * streaming half of the XML conversion, after the sample fixed the schema.
 *
 *   absent field, xsi:nil      null
 *   text                       parsed into the column's type (ColumnBuilder.append); the empty
 *                              string is a value (quoted = true), so only STRING and JSON take it
 *   text in a JSON column      a JSON string of the text
 *   nested element / repeated  JSON (json-render.ts); only a JSON column takes it
 *
 * A value the column's type cannot hold throws WidenNeeded with the type that can (text: the infer
 * module's widening; nested: JSON), and a value for a key the schema does not have (a provisional
 * column, xml-columns.ts) throws WidenNeeded "absent" with the type of that first value. The caller
 * restarts; nothing is dropped or rewritten to fit. `line` in both is where the record starts.
 */

import type { ColumnSpec, ColumnType } from "../column-types.ts";
import { classifyCell, type ColumnBuilder, joinKind } from "../infer/index.ts";
import { WidenNeeded } from "../table-converter.ts";
import { JsonRenderer } from "./json-render.ts";
import { type RecordMapping, SLOT_GROUP, SLOT_NIL, SLOT_NODE, SLOT_TEXT } from "./record-mapping.ts";
import type { RecordTree } from "./record-tree.ts";
import type { XmlColumns } from "./xml-columns.ts";

export class ColumnWriter {
  rows = 0;
  private readonly json = new JsonRenderer();
  private readonly isJson: boolean[];

  constructor(
    private readonly schema: readonly ColumnSpec[],
    private readonly columns: XmlColumns,
    private readonly builders: readonly ColumnBuilder[],
  ) {
    this.isJson = schema.map((c) => c.type === "JSON");
  }

  write(m: RecordMapping, t: RecordTree, line: number): void {
    const width = this.schema.length;
    for (let c = width; c < this.columns.count; c++) {
      if (m.has(c) && m.slot[c] !== SLOT_NIL) throw new WidenNeeded(width, this.columns.names[c]!, "absent", this.typeOf(m, t, c), line);
    }
    this.json.release();
    const out = this.json.out;
    for (let c = 0; c < width; c++) {
      const b = this.builders[c]!;
      if (!m.has(c)) {
        b.appendNull();
        continue;
      }
      const slot = m.slot[c];
      if (slot === SLOT_TEXT) {
        const s = m.start[c]!;
        const e = m.end[c]!;
        if (this.isJson[c]) {
          out.reset();
          this.json.string(t.data, s, e);
          b.append(out.bytes, 0, out.length, true);
        } else if (!b.append(t.data, s, e, true)) {
          throw new WidenNeeded(c, this.schema[c]!.name, b.type, b.widenFor(t.data, s, e, true), line);
        }
        continue;
      }
      if (slot === SLOT_NIL) {
        b.appendNull();
        continue;
      }
      if (!this.isJson[c]) throw new WidenNeeded(c, this.schema[c]!.name, b.type, "JSON", line);
      out.reset();
      if (slot === SLOT_NODE) this.json.element(t, m.node[c]!);
      else this.json.group(t, m.node[c]!, m.count[c]!);
      b.append(out.bytes, 0, out.length, true);
    }
    this.rows++;
  }

  /** The type a new column takes from its first value. */
  private typeOf(m: RecordMapping, t: RecordTree, c: number): ColumnType {
    if (m.slot[c] === SLOT_NODE || m.slot[c] === SLOT_GROUP) return "JSON";
    return joinKind(null, classifyCell(t.data, m.start[c]!, m.end[c]!, true), true) ?? "STRING";
  }
}
