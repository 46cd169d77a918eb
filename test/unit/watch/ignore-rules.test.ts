import { describe, expect, test } from "bun:test";
import { IgnoreRules, isIgnoredName } from "../../../src/watch/ignore-rules.ts";

describe("ignore rules", () => {
  test.each([".hidden", "file.part", "video.mp4.crdownload", "x.TMP", "doc.txt~", ".doc.swp", "a.partial", "b.download"])(
    "%s looks temporary or private",
    (name) => expect(isIgnoredName(name)).toBe(true),
  );
  test.each(["report.pdf", "data.csv", "part.txt", "tmp", "temporary.doc"])("%s is a real file", (name) =>
    expect(isIgnoredName(name)).toBe(false),
  );

  test("the error and state folders are excluded even with visible names inside the watched folder", () => {
    const rules = new IgnoreRules(["/w/errors/", "/state"]);
    expect(rules.ignoresPath("/w/errors", "/w")).toBe(true);
    expect(rules.ignoresPath("/w/errors/a/b.csv", "/w")).toBe(true);
    expect(rules.ignoresPath("/w/errors-not/a", "/w")).toBe(false);
    expect(rules.ignoresPath("/w/a/.git/config", "/w")).toBe(true);
    expect(rules.ignoresPath("/w/a/b.csv", "/w")).toBe(false);
  });
});
