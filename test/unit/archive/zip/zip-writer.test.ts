/**
 * The test writer itself is checked against tools that did not write it (Info-ZIP's `unzip -t`
 * and Python's zipfile), so the reader's tests build on archives known to be valid.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { payload } from "../../../support/payload.ts";
import { buildZip } from "../../../support/archive/zip-writer.ts";
import { run, scratchDir } from "./zip-test-support.ts";

const scratch = scratchDir("writer");
afterAll(scratch.remove);

const variants = buildZip(
  [
    { name: "stored.txt", data: "plain text", method: 0 },
    { name: "deflated.bin", data: payload(100_000, 3) },
    { name: "dir/", data: "", method: 0, externalAttributes: (0o040755 << 16) >>> 0 },
    { name: "dir/descriptor.bin", data: payload(50_000, 4), descriptor: true },
    { name: "dir/descriptor-nosig.bin", data: payload(5_000, 5), descriptor: { signature: false } },
    { name: "zip64.bin", data: payload(70_000, 6), zip64: true },
    { name: "zip64-descriptor.bin", data: payload(7_000, 7), zip64: true, descriptor: true },
    { name: "naïve €.txt", data: "utf-8 name" },
    { name: "empty", data: "" },
  ],
  { comment: "archive comment" },
);

describe("the test ZIP writer", () => {
  test("writes archives that unzip -t accepts", () => {
    const path = join(scratch.dir, "variants.zip");
    writeFileSync(path, variants);
    const r = run("unzip", ["-t", path]);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toContain("No errors detected");
  });

  test("writes archives that Python's zipfile reads with matching CRCs, ZIP64 end records included", () => {
    const path = join(scratch.dir, "zip64-end.zip");
    writeFileSync(path, buildZip([{ name: "a", data: "x" }, { name: "b", data: payload(1000) }], { zip64End: true }));
    writeFileSync(join(scratch.dir, "variants.zip"), variants);
    const script = `
import sys, zipfile
for p in sys.argv[1:]:
    with zipfile.ZipFile(p) as z:
        assert z.testzip() is None
        print(p.rsplit('/',1)[1], len(z.infolist()), ','.join(i.filename for i in z.infolist()))
`;
    const r = run("python3", ["-c", script, join(scratch.dir, "variants.zip"), path]);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(
      "variants.zip 9 stored.txt,deflated.bin,dir/,dir/descriptor.bin,dir/descriptor-nosig.bin,zip64.bin,zip64-descriptor.bin,naïve €.txt,empty\nzip64-end.zip 2 a,b\n",
    );
  });
});
