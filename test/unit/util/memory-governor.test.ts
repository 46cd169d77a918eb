import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../../src/log.ts";
import { MemoryGovernor } from "../../../src/util/memory-governor.ts";

const MiB = 2 ** 20;

function governor(state: { rss: number; inUse: number; t: number }, collected: number[]) {
  return new MemoryGovernor({
    rss: () => state.rss,
    collect: () => {
      collected.push(state.t);
      state.rss -= 20 * MiB;
    },
    budgetInUse: () => state.inUse,
    headroomBytes: 32 * MiB,
    now: () => state.t,
    log: silentLogger,
    intervalMs: 1_000_000, // checks are driven by the test
    minGapMs: 1000,
  });
}

describe("MemoryGovernor", () => {
  test("collects only when RSS passes start-up RSS + budget in use + headroom", () => {
    const state = { rss: 50 * MiB, inUse: 0, t: 0 };
    const collected: number[] = [];
    const g = governor(state, collected);
    g.start();
    state.rss = 82 * MiB;
    g.check();
    expect(collected).toEqual([]);
    state.rss = 83 * MiB;
    g.check();
    expect(collected).toEqual([0]);
    g.stop();
  });

  test("live budget bytes raise the limit: they are data, not garbage", () => {
    const state = { rss: 50 * MiB, inUse: 0, t: 0 };
    const collected: number[] = [];
    const g = governor(state, collected);
    g.start();
    state.inUse = 40 * MiB;
    state.rss = 110 * MiB;
    g.check();
    expect(collected).toEqual([]);
    expect(g.limit).toBe(122 * MiB);
    g.stop();
  });

  test("at most one collection per minimum gap", () => {
    const state = { rss: 50 * MiB, inUse: 0, t: 0 };
    const collected: number[] = [];
    const g = governor(state, collected);
    g.start();
    for (const t of [0, 200, 900, 1000, 1500, 2100]) {
      state.t = t;
      state.rss = 200 * MiB;
      g.check();
    }
    expect(collected).toEqual([0, 1000, 2100]);
    expect(g.collections).toBe(3);
    g.stop();
  });
});
