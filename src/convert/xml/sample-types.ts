/**
 * Column types from the sample's records, by the infer module's rules (infer/index.ts): every XML
 * value is text and is typed like an unquoted CSV cell, except that a present but empty value
 * (`<a/>`, `<a></a>`, `a=""`) is the empty string, so it is observed as quoted: a column holding
 * one is STRING. An absent field or xsi:nil is null and says nothing. A column with any nested
 * element or repeated name in the sample is JSON (its text values then become JSON strings).
 *
 * One TypeInference per column: the columns are discovered while the sample is read, so their
 * number is not known when the first record is observed.
 */

import type { ColumnType } from "../column-types.ts";
import { TypeInference } from "../infer/index.ts";
import { type RecordMapping, SLOT_NIL, SLOT_TEXT } from "./record-mapping.ts";
import type { RecordTree } from "./record-tree.ts";

export class SampleTypes {
  private readonly inference: TypeInference[] = [];
  private readonly json: boolean[] = [];

  /** Observes the current record of `m`; `count`: the number of columns so far. */
  observe(m: RecordMapping, t: RecordTree, count: number): void {
    while (this.inference.length < count) {
      this.inference.push(new TypeInference(1));
      this.json.push(false);
    }
    for (let k = 0; k < m.filledCount; k++) {
      const c = m.filled[k]!;
      const slot = m.slot[c];
      if (slot === SLOT_TEXT) this.inference[c]!.observe(0, t.data, m.start[c]!, m.end[c]!, true);
      else if (slot !== SLOT_NIL) this.json[c] = true;
    }
  }

  /** The type of each of `count` columns (STRING when the sample has no value for it). */
  result(count: number): ColumnType[] {
    return Array.from({ length: count }, (_, c) => (this.json[c] ? "JSON" : (this.inference[c]?.result()[0] ?? "STRING")));
  }
}
