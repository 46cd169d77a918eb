/**
 * The resume fence on its own, with the clock in the test's hands: the previous run's files are
 * held until the delay is over and their cleanup has run, then released (the latest version of
 * each), everything else passes at once; a stop ends the wait with nothing cleaned or released;
 * a cleanup that fails unexpectedly is reported and the files still go on.
 */
import { expect, test } from "bun:test";
import { createLogger } from "../../../src/log.ts";
import { ResumeFence } from "../../../src/pipeline/resume-fence.ts";

interface File {
  relPath: string;
  version: number;
}

function harness(relPaths: string[], cleanUp: (rels: readonly string[]) => Promise<void> = async () => {}) {
  const events: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const stop = new AbortController();
  let wake!: () => void;
  let slept: number | undefined;
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      slept = ms;
      wake = resolve;
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  const fence = new ResumeFence<File>({
    relPaths,
    delayMs: 30_000,
    now: () => Date.UTC(2026, 10, 29, 12, 0, 0),
    sleep,
    signal: stop.signal,
    cleanUp: async (rels) => {
      events.push(`cleanup ${rels.join(",")}`);
      await cleanUp(rels);
    },
    release: (f) => events.push(`release ${f.relPath}@${f.version}`),
    log: createLogger({ level: "DEBUG", format: "json", write: (l) => lines.push(JSON.parse(l)) }),
  });
  return { fence, events, lines, stop, wake: () => wake(), slept: () => slept };
}

test("nothing left by the previous run: nothing is held, no wait", async () => {
  const h = harness([]);
  expect(h.fence.holds("a.txt")).toBe(false);
  expect(h.fence.waiting).toBe(false);
  await h.fence.whenClear();
  expect(h.slept()).toBeUndefined();
  expect(h.events).toEqual([]);
});

test("the previous run's files wait for the delay and their cleanup, then the latest version of each is released", async () => {
  const h = harness(["a.txt", "dir/b.bin"]);
  expect(h.slept()).toBe(30_000);
  expect(h.lines[0]).toMatchObject({ msg: "files the interrupted run was uploading wait until its requests have settled", files: 2, until: "2026-11-29T12:00:30.000Z" });
  expect([h.fence.holds("a.txt"), h.fence.holds("dir/b.bin"), h.fence.holds("other.txt")]).toEqual([true, true, false]);
  h.fence.hold({ relPath: "a.txt", version: 1 });
  h.fence.hold({ relPath: "a.txt", version: 2 });
  let clear = false;
  void h.fence.whenClear().then(() => (clear = true));
  await Promise.resolve();
  expect([clear, h.events]).toEqual([false, []]);

  h.wake();
  await h.fence.whenClear();
  expect(h.events).toEqual(["cleanup a.txt,dir/b.bin", "release a.txt@2"]);
  expect([h.fence.waiting, h.fence.holds("a.txt")]).toEqual([false, false]);
  expect(h.lines.at(-1)).toMatchObject({ msg: "resuming the files of the interrupted run", files: 2, ready: 1 });
});

test("a stop during the wait cleans up nothing and releases nothing (the next start fences again)", async () => {
  const h = harness(["a.txt"]);
  h.fence.hold({ relPath: "a.txt", version: 1 });
  h.stop.abort(new Error("stop"));
  await h.fence.whenClear();
  expect(h.events).toEqual([]);
  expect(h.fence.holds("a.txt")).toBe(true);
});

test("an unexpected cleanup failure is reported as an error and the files still go on", async () => {
  const h = harness(["a.txt"], async () => {
    throw new Error("boom");
  });
  h.fence.hold({ relPath: "a.txt", version: 1 });
  h.wake();
  await h.fence.whenClear();
  expect(h.events).toEqual(["cleanup a.txt", "release a.txt@1"]);
  expect(h.lines.find((l) => l.level === "ERROR")).toMatchObject({ msg: "cleanup of the interrupted run failed", error: "INTERNAL" });
});
