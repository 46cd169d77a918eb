/**
 * The csv-spectrum suite (npm csv-spectrum): each csvs/<name>.csv against json/<name>.json, an
 * array of objects keyed by the header row. Also split in 1-byte chunks.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tokenize } from "./tokenize-helper.ts";

const root = join(import.meta.dir, "../../../../node_modules/csv-spectrum");
const names = readdirSync(join(root, "csvs"))
  .filter((f) => f.endsWith(".csv"))
  .map((f) => f.slice(0, -4))
  .sort();

function expected(name: string): Record<string, string>[] {
  const json = JSON.parse(readFileSync(join(root, "json", `${name}.json`), "utf8"));
  const rows: Record<string, string>[] = Array.isArray(json) ? json : [json];
  // csv-spectrum 2.0.0's location_coordinates.json has a different phone number than its CSV
  // (upstream data bug); the CSV is the input, so its value is the truth.
  if (name === "location_coordinates") rows[0]!["Contact Phone Number"] = "2095257564";
  return rows;
}

describe("csv-spectrum", () => {
  test("the suite is there", () => expect(names.length).toBeGreaterThanOrEqual(12));

  for (const name of names) {
    test(name, () => {
      const bytes = new Uint8Array(readFileSync(join(root, "csvs", `${name}.csv`)));
      for (const chunks of [undefined, 1]) {
        const r = tokenize(bytes, { chunks });
        expect(r.error).toBeUndefined();
        const [header, ...rows] = r.rows.map((row) => row.fields.map((f) => f ?? ""));
        const objects = rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]])));
        expect(objects).toEqual(expected(name));
      }
    });
  }
});
