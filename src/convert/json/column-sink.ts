/**
 * Main-pass sink: each staged record (record-parser.ts) becomes one row of the typed column
 * builders. A column whose key the record lacks, or holds null, gets a null.
 *
 * A value that the column's type cannot hold, by kind (ACCEPTS: a string never enters a number
 * column) or by text (the builder's parse: `1.5` in INT64), throws WidenNeeded with the joined
 * type; a key the sample did not have throws WidenNeeded "absent" unless an earlier attempt made a
 * column for it (LateKeys). Either way the caller restarts: nothing already built is rewritten.
 *
 * Invariant: after record() returns, every builder has exactly `rows` rows.
 */

import type { ColumnSpec, ColumnType } from "../column-types.ts";
import { ColumnBuilder } from "../infer/index.ts";
import { WidenNeeded } from "../table-converter.ts";
import type { LateKeys } from "./json-columns.ts";
import { ACCEPTS, classifyJson, JsonKind, joinJson, typeCode, typeOfJson } from "./json-kinds.ts";
import type { RecordParser } from "./record-parser.ts";
import type { RecordSink } from "./record-stream.ts";

export class ColumnSink implements RecordSink {
  readonly builders: ColumnBuilder[];
  rows = 0;
  private readonly codes: Uint8Array;
  /** Column → key id in the parser, -1 while no key has claimed an extra column. */
  private readonly keyOf: Int32Array;
  /** Keys of the parser looked at so far (ids below are claimed or known to be columns). */
  private knownKeys: number;

  constructor(
    private readonly columns: readonly ColumnSpec[],
    /** Column i < sampleCount reads key id i (the parser was seeded with the sample's keys). */
    sampleCount: number,
    private readonly late: LateKeys,
    capacityRows: number,
  ) {
    this.builders = columns.map((c) => new ColumnBuilder(c.type, capacityRows));
    this.codes = Uint8Array.from(columns, (c) => typeCode(c.type));
    this.keyOf = Int32Array.from(columns, (_, i) => (i < sampleCount ? i : -1));
    this.knownKeys = sampleCount;
  }

  record(p: RecordParser, line: number): void {
    if (p.keys.count > this.knownKeys) this.claimKeys(p, line);
    const rec = p.record;
    const { stamp, kinds, starts, ends, inScratch, scratch, source } = p;
    const builders = this.builders;
    const codes = this.codes;
    const keyOf = this.keyOf;
    for (let c = 0; c < builders.length; c++) {
      const b = builders[c]!;
      const k = keyOf[c]!;
      if (k < 0 || stamp[k] !== rec) {
        b.appendNull();
        continue;
      }
      const kind = kinds[k]!;
      if (kind === JsonKind.NULL) {
        b.appendNull();
        continue;
      }
      const buf = inScratch[k] === 1 ? scratch : source;
      if (ACCEPTS[codes[c]! * 8 + kind] !== 1 || !b.append(buf, starts[k]!, ends[k]!, true)) {
        throw new WidenNeeded(c, this.columns[c]!.name, b.type, this.widened(b, kind, buf, starts[k]!, ends[k]!), line);
      }
    }
    this.rows++;
  }

  /** The type column `b` needs to also hold this value. */
  private widened(b: ColumnBuilder, kind: number, buf: Uint8Array, start: number, end: number): ColumnType {
    const to = joinJson(b.type, classifyJson(kind, buf, start, end), b.intsFitDouble) ?? "STRING";
    if (to === b.type) throw new Error(`json column sink: a ${b.type} column refused a value its type holds`);
    return to;
  }

  /** Keys new to the parser since the last record: each claims its extra column or needs one. */
  private claimKeys(p: RecordParser, line: number): void {
    for (let k = this.knownKeys; k < p.keys.count; k++) {
      const key = p.keys.name(k);
      const claim = this.late.resolve(key);
      if (typeof claim === "number") {
        this.keyOf[claim] = k;
        this.knownKeys = k + 1;
        continue;
      }
      const present = p.stamp[k] === p.record;
      const buf = p.inScratch[k] === 1 ? p.scratch : p.source;
      const type = present ? typeOfJson(classifyJson(p.kinds[k]!, buf, p.starts[k]!, p.ends[k]!)) : "STRING";
      throw new WidenNeeded(this.late.nextColumn, claim, "absent", type, line);
    }
  }
}
