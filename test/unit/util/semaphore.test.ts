import { describe, expect, test } from "bun:test";
import { Semaphore } from "../../../src/util/semaphore.ts";

describe("Semaphore", () => {
  test("never lets more than capacity in, and admits the next one per release", async () => {
    const s = new Semaphore(3);
    let inside = 0;
    let peak = 0;
    const exits: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, () =>
      s.with(async () => {
        inside++;
        peak = Math.max(peak, inside);
        await new Promise<void>((r) => exits.push(r));
        inside--;
      }),
    );
    const settle = () => new Promise((r) => setTimeout(r, 0));
    await settle();
    expect(inside).toBe(3);
    for (let released = 0; released < 10; released++) {
      exits.shift()!();
      await settle();
      expect(inside).toBe(Math.min(3, 10 - released - 1));
    }
    await Promise.all(tasks);
    expect(peak).toBe(3);
    expect(s.inUse).toBe(0);
  });

  test("serves waiters in arrival order, large ones included (no starvation)", async () => {
    const s = new Semaphore(10);
    await s.acquire(8);
    const order: string[] = [];
    const big = s.acquire(6).then(() => order.push("big"));
    const small = s.acquire(1).then(() => order.push("small"));
    s.release(8);
    await Promise.all([big, small]);
    expect(order).toEqual(["big", "small"]);
  });

  test("an aborted waiter leaves the queue and rejects with the reason", async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const ac = new AbortController();
    const waiting = s.acquire(1, ac.signal);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    s.release();
    await s.acquire();
    expect(s.inUse).toBe(1);
  });

  test("over-release is a bug and throws", () => {
    const s = new Semaphore(1);
    expect(() => s.release()).toThrow(/over-released/);
  });
});
