/**
 * Wires the parts of `dsp run` together: watcher → ready queue → file jobs → S3 sink, with one S3
 * client, one health gate, one request limit and one memory budget shared by all jobs.
 *
 * Lifecycle: start (bucket check, error folder check; the previous run's unfinished files are
 * held behind the resume fence, then cleaned up and taken) →
 * (once: scan, settle, process, return) | (live: run until the stop signal) →
 * stop taking files → give in-flight jobs DSP_SHUTDOWN_GRACE → cancel the rest (their multipart
 * uploads are aborted) → return. Every job settles before this returns.
 */
import { chooseXzEngine } from "../archive/xz/xz-engine.ts";
import type { Config } from "../config/config.ts";
import { DspError, describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ProgressStore } from "../progress/progress-store.ts";
import { bucketProbe, createS3Api } from "../upload/s3-client.ts";
import type { S3Api } from "../upload/s3-api.ts";
import { S3Health } from "../upload/s3-health.ts";
import type { RetryEnv } from "../upload/retry.ts";
import { Semaphore } from "../util/semaphore.ts";
import { availableParallelism } from "node:os";
import { BufferPool } from "../util/buffer-pool.ts";
import { MemoryGovernor } from "../util/memory-governor.ts";
import { abortableSleep } from "../util/sleep.ts";
import { FolderWatcher, type ReadyFile } from "../watch/folder-watcher.ts";
import { IgnoreRules } from "../watch/ignore-rules.ts";
import { runFileJob, type JobDeps } from "./file-job.ts";
import { Scheduler } from "./scheduler.ts";
import { checkBucket } from "./preflight.ts";
import { prepareRun, type RunStart } from "./startup.ts";
import { cleanUpAfterCrash } from "./crash-cleanup.ts";
import { ResumeFence } from "./resume-fence.ts";
import type { OpenReport } from "../progress/progress-log.ts";

export interface DaemonOptions {
  config: Config;
  log: Logger;
  store: ProgressStore;
  /** What opening the progress log found. */
  opened: OpenReport;
  once: boolean;
  /** Fires when the operator asks dsp to stop (SIGTERM/SIGINT). */
  stop: AbortSignal;
  s3?: S3Api;
  now?: () => number;
}

export interface DaemonSummary {
  completed: number;
  failed: number;
}

/** The step `dsp status` shows for a file held behind the resume fence. */
export const WAITING_STEP = "interrupted: waits for the previous run's requests to settle (DSP_RESUME_DELAY)";

/** Parts of one object in flight: beyond 4, one object gains little and starves the others. */
const PARTS_PER_OBJECT = 4;
/** Read size for hashing: large enough for few reads per part, small enough to pool per file. */
const HASH_BUFFER_BYTES = 256 * 1024;
/** Garbage allowed above the start-up RSS and the live budget before a full collection. */
const GC_HEADROOM_BYTES = 32 * 1024 * 1024;

export async function runDaemon(opts: DaemonOptions): Promise<DaemonSummary> {
  const { config, log, store } = opts;
  const now = opts.now ?? Date.now;
  const cancel = new AbortController();
  const s3 = opts.s3 ?? createS3Api(config.s3);
  const health = new S3Health({
    probe: bucketProbe(s3, config.s3.requestTimeoutMs),
    log,
    sleep: abortableSleep,
    now,
    signal: cancel.signal,
  });
  const retry: RetryEnv = {
    policy: {
      retries: config.retryAttempts,
      baseDelayMs: 250,
      maxDelayMs: 20_000,
      timeoutMs: config.s3.requestTimeoutMs,
      minBytesPerSecond: 64 * 1024,
    },
    health,
    log,
    signal: cancel.signal,
    sleep: abortableSleep,
    random: Math.random,
  };
  // Start-up can wait a long time for S3 (unreachable: the health gate waits for it): a stop
  // request must end that wait too, not only the work that comes after it.
  const stopStartup = () => cancel.abort(new DspError("SHUTDOWN", "stopped during start-up"));
  opts.stop.addEventListener("abort", stopStartup, { once: true });
  let start: RunStart;
  try {
    if (opts.stop.aborted) stopStartup();
    await checkBucket({ s3, retry });
    start = await prepareRun({ config, s3, retry, store, log, opened: opts.opened });
  } catch (err) {
    if (!opts.stop.aborted) throw err;
    log.info("stopped during start-up, before any file was taken");
    return { completed: 0, failed: 0 };
  } finally {
    opts.stop.removeEventListener("abort", stopStartup);
  }

  // liblzma is looked up only when archives are opened at all.
  const xz = config.archives.extract ? chooseXzEngine(config.archives.xzDecoder) : undefined;
  const budget = new Semaphore(config.memoryBudget);
  const governor = new MemoryGovernor({
    rss: () => process.memoryUsage.rss(),
    collect: () => Bun.gc(true),
    budgetInUse: () => budget.inUse,
    headroomBytes: GC_HEADROOM_BYTES,
    now,
    log,
  });
  const jobDeps: JobDeps = {
    upload: {
      s3,
      requests: new Semaphore(config.maxConcurrentUploads),
      retry,
      log,
      verifyEtag: config.s3.verifyEtag,
      partsInFlight: Math.min(PARTS_PER_OBJECT, config.maxConcurrentUploads),
    },
    budget,
    tls: !config.s3.endpoint || config.s3.endpoint.startsWith("https:"),
    hashBuffers: new BufferPool(HASH_BUFFER_BYTES, config.parallelFiles),
    crc32: config.s3.checksumMode === "when_supported",
    store,
    checkRemote: start.checkRemote,
    log,
    now,
    prefix: config.s3.prefix,
    partSize: config.partSize,
    maxFileSize: config.maxFileSize,
    watchDir: config.watchDir,
    errorDir: config.errorDir,
    archives: xz
      ? {
          limits: {
            maxDepth: config.archives.maxDepth,
            maxEntries: config.archives.maxEntries,
            maxTotalBytes: config.archives.maxTotalBytes,
            maxRatio: config.archives.maxRatio,
            ratioFloorBytes: config.archives.ratioFloorBytes,
            maxDictionaryBytes: config.archives.maxDictionaryBytes,
          },
          maxNestedBytes: config.archives.maxNestedBytes,
          xz: xz.engine,
        }
      : undefined,
    convert: config.convert.tables
      ? { compression: config.convert.compression === "snappy" ? "SNAPPY" : "ZSTD", rowGroupBytes: config.convert.rowGroupBytes, slots: new Semaphore(config.convert.parallel), parallelEncoding: availableParallelism() > 1 }
      : undefined,
  };

  const summary: DaemonSummary = { completed: 0, failed: 0 };
  let watcher: FolderWatcher;
  const scheduler = new Scheduler<ReadyFile>(
    config.parallelFiles,
    async (file) => {
      let recheck = true;
      try {
        const outcome = await runFileJob(jobDeps, file);
        if (outcome.kind === "completed") summary.completed++;
        if (outcome.kind === "failed") summary.failed++;
        recheck = outcome.kind === "changed";
      } finally {
        await watcher.release(file.relPath, recheck);
      }
    },
    (file, err) => log.error("internal error while processing a file", { file: file.relPath, error: "INTERNAL", details: describeError(err) }),
  );
  watcher = new FolderWatcher({
    root: config.watchDir,
    rules: new IgnoreRules([config.errorDir, config.stateDir]),
    windowMs: config.stabilityWindowMs,
    rescanMs: config.rescanIntervalMs,
    polling: config.watchPolling,
    live: !opts.once,
    log,
    now,
    wanted: (rel, fp) => store.wanted(rel, fp),
    onReady: (file) => (fence.holds(file.relPath) ? fence.hold(file) : take(file)),
    // A fenced file's entry holds what its cleanup needs (keys, upload ids): kept until then.
    onRemoved: (rel) => {
      if (!fence.holds(rel)) store.vanished(rel);
    },
    onScanned: (seen) => {
      for (const rel of [...store.entries.keys()]) if (!seen.has(rel) && !watcher.isBusy(rel) && !fence.holds(rel)) store.vanished(rel);
    },
  });
  const take = (file: ReadyFile) => {
    store.queued(file.relPath, file.fp);
    scheduler.enqueue(file);
  };
  const fence = new ResumeFence<ReadyFile>({
    relPaths: start.leftovers,
    delayMs: config.resumeDelayMs,
    now,
    sleep: abortableSleep,
    signal: opts.stop,
    cleanUp: (relPaths) => cleanUpAfterCrash({ s3, retry, store, log, prefix: config.s3.prefix }, relPaths),
    release: take,
    log,
  });
  // `dsp status` (another process, reading the log) says why these files do not move.
  for (const rel of start.leftovers) if (store.entry(rel)?.state === "in-progress") store.step(rel, WAITING_STEP);
  if (start.leftovers.length > 0) await store.flush();

  governor.start();
  log.info("dsp started", {
    watch_dir: config.watchDir,
    bucket: config.s3.bucket,
    endpoint: config.s3.endpoint ?? "AWS",
    prefix: config.s3.prefix || undefined,
    mode: opts.once ? "once" : "watch",
    xz_decoder: xz?.engine.name,
  });
  if (xz?.fallback) log.info("xz files are decoded by the built-in decoder (about half the speed of liblzma)", { reason: xz.fallback });
  // A first scan of a large folder takes a while: a stop request must not wait for it.
  await Promise.race([watcher.start(), abortPromise(opts.stop)]);
  if (opts.once && !opts.stop.aborted) {
    if (watcher.completedScans === 0) throw new Error(`cannot read the watched folder ${config.watchDir}`);
    await untilDoneOrStopped(watcher, scheduler, fence, opts.stop);
  } else {
    await abortPromise(opts.stop);
  }
  await shutdown(watcher, scheduler, cancel, config.shutdownGraceMs, log, opts.stop.aborted);
  await fence.whenClear();
  governor.stop();
  await store.flush();
  return summary;
}

/** --once: every file present at start has settled and been processed (or a stop was requested). */
async function untilDoneOrStopped(watcher: FolderWatcher, scheduler: Scheduler<ReadyFile>, fence: ResumeFence<ReadyFile>, stop: AbortSignal): Promise<void> {
  const stopped = abortPromise(stop);
  while (!stop.aborted) {
    await Promise.race([Promise.all([watcher.whenSettled(), scheduler.whenIdle(), fence.whenClear()]), stopped]);
    if (watcher.settling === 0 && scheduler.idle && !fence.waiting) return;
  }
}

async function shutdown(
  watcher: FolderWatcher,
  scheduler: Scheduler<ReadyFile>,
  cancel: AbortController,
  graceMs: number,
  log: Logger,
  requested: boolean,
): Promise<void> {
  if (requested) log.info("stopping: no new files are taken", { in_flight: scheduler.active, grace_ms: graceMs });
  await watcher.stop();
  const stopped = scheduler.stop();
  const grace = setTimeout(() => {
    if (scheduler.active > 0) log.warn("grace period over: cancelling uploads in flight", { in_flight: scheduler.active });
    cancel.abort(new Error("shutdown"));
  }, graceMs);
  await stopped;
  clearTimeout(grace);
  cancel.abort(new Error("shutdown"));
}

function abortPromise(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
