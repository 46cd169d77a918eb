import { expect, test } from "bun:test";
import { TaskPool } from "../../../src/util/task-pool.ts";

/** A task that ends when told to. */
function gate() {
  let open!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { task: () => done, open, fail };
}

test("never runs more than its limit: run waits for a free slot", async () => {
  const pool = new TaskPool(2);
  const a = gate();
  const b = gate();
  const c = gate();
  await pool.run(a.task);
  await pool.run(b.task);
  let third = false;
  const starting = pool.run(c.task).then(() => (third = true));
  await Promise.resolve();
  expect(pool.size).toBe(2);
  expect(third).toBe(false);
  a.open();
  await starting;
  expect(third).toBe(true);
  expect(pool.size).toBe(2);
  b.open();
  c.open();
  await pool.drain();
  expect(pool.size).toBe(0);
});

test("the first failure is thrown at the next run and at drain, after the others settled", async () => {
  const pool = new TaskPool(3);
  const a = gate();
  const b = gate();
  await pool.run(a.task);
  await pool.run(b.task);
  a.fail(new Error("first"));
  await Promise.resolve();
  await Promise.resolve();
  await expect(pool.run(async () => {})).rejects.toThrow("first");
  let drained = false;
  const draining = pool.drain().catch((e: Error) => e.message).finally(() => (drained = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  expect(drained).toBe(false); // b is still running
  b.fail(new Error("second"));
  expect(await draining).toBe("first");
  expect(pool.size).toBe(0);
});

test("settle waits for everything and never throws", async () => {
  const pool = new TaskPool(2);
  const a = gate();
  await pool.run(a.task);
  a.fail(new Error("x"));
  await pool.settle();
  expect(pool.size).toBe(0);
});
