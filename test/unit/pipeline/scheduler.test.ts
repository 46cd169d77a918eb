import { describe, expect, test } from "bun:test";
import { Scheduler } from "../../../src/pipeline/scheduler.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("Scheduler", () => {
  test("starts items in the order they were enqueued, at most `parallel` at once", async () => {
    const started: number[] = [];
    const gates = new Map<number, ReturnType<typeof deferred>>();
    const s = new Scheduler<number>(
      2,
      async (n) => {
        started.push(n);
        const g = deferred();
        gates.set(n, g);
        await g.promise;
      },
      () => {},
    );
    for (let i = 1; i <= 5; i++) s.enqueue(i);
    expect(started).toEqual([1, 2]);
    expect(s.active).toBe(2);
    expect(s.pending).toBe(3);
    gates.get(2)!.resolve();
    await Bun.sleep(0);
    expect(started).toEqual([1, 2, 3]);
    gates.get(1)!.resolve();
    gates.get(3)!.resolve();
    await Bun.sleep(0);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    gates.get(4)!.resolve();
    gates.get(5)!.resolve();
    await s.whenIdle();
    expect(s.idle).toBe(true);
  });

  test("stop() starts nothing more, waits for running items, and returns the ones never started", async () => {
    const g = deferred();
    const ran: number[] = [];
    const s = new Scheduler<number>(1, async (n) => {
      ran.push(n);
      await g.promise;
    }, () => {});
    s.enqueue(1);
    s.enqueue(2);
    s.enqueue(3);
    let stopped = false;
    const stopping = s.stop().then((dropped) => {
      stopped = true;
      return dropped;
    });
    await Bun.sleep(0);
    expect(stopped).toBe(false);
    g.resolve();
    expect(await stopping).toEqual([2, 3]);
    expect(ran).toEqual([1]);
    s.enqueue(4);
    expect(ran).toEqual([1]);
  });

  test("a job that throws is reported and does not stop the queue", async () => {
    const crashes: unknown[] = [];
    const ran: number[] = [];
    const s = new Scheduler<number>(
      1,
      async (n) => {
        ran.push(n);
        if (n === 1) throw new Error("bug");
      },
      (_item, err) => crashes.push(err),
    );
    s.enqueue(1);
    s.enqueue(2);
    await s.whenIdle();
    expect(ran).toEqual([1, 2]);
    expect(String(crashes[0])).toContain("bug");
  });
});
