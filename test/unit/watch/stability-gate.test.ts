import { describe, expect, test } from "bun:test";
import { StabilityGate } from "../../../src/watch/stability-gate.ts";
import type { Fingerprint } from "../../../src/watch/fingerprint.ts";

const fp = (size: number, mtime = 1, ino = 7): Fingerprint => ({ dev: 1n, ino: BigInt(ino), size: BigInt(size), mtimeNs: BigInt(mtime) });

describe("StabilityGate", () => {
  test("a file is due only after a whole quiet window", () => {
    const g = new StabilityGate(1000);
    g.observe("a", fp(10), 0);
    expect(g.due(999)).toEqual([]);
    expect(g.due(1000)).toEqual(["a"]);
  });

  test("a changed fingerprint restarts the window; the same one does not", () => {
    const g = new StabilityGate(1000);
    g.observe("a", fp(10), 0);
    g.observe("a", fp(10), 500); // same: window still ends at 1000
    expect(g.due(1000)).toEqual(["a"]);
    g.observe("a", fp(20, 2), 900); // grew: window ends at 1900
    expect(g.due(1800)).toEqual([]);
    expect(g.due(1900)).toEqual(["a"]);
  });

  test("confirm with an unchanged fingerprint releases the file; a changed one keeps it waiting", () => {
    const g = new StabilityGate(1000);
    g.observe("a", fp(10), 0);
    expect(g.confirm("a", fp(11, 2), 1000)).toBe(false);
    expect(g.has("a")).toBe(true);
    expect(g.due(1999)).toEqual([]);
    expect(g.confirm("a", fp(11, 2), 2000)).toBe(true);
    expect(g.has("a")).toBe(false);
  });

  test("a file replaced by another inode of the same size and mtime is a change", () => {
    const g = new StabilityGate(1000);
    g.observe("a", fp(10, 1, 7), 0);
    expect(g.confirm("a", fp(10, 1, 8), 1000)).toBe(false);
  });

  test("files come out in the order their windows end, not the order first seen", () => {
    const g = new StabilityGate(1000);
    g.observe("first", fp(1), 0);
    g.observe("second", fp(1), 100);
    g.observe("first", fp(2, 2), 200); // first changed: now ends after second
    expect(g.due(5000)).toEqual(["second", "first"]);
    expect(g.nextDueAt()).toBe(1100);
  });

  test("observedBefore lists entries recorded before a time (pruning after a scan)", () => {
    const g = new StabilityGate(1000);
    g.observe("old", fp(1), 0);
    g.observe("new", fp(1), 50);
    expect(g.observedBefore(50)).toEqual(["old"]);
    g.forget("old");
    expect(g.size).toBe(1);
  });
});
