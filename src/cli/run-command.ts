/**
 * `dsp run`: load the configuration, take the single-instance lock (or exit 0 if another run holds
 * it), then run the daemon until SIGTERM/SIGINT (or, with --once, until everything present is done).
 * The first signal stops gracefully; a second one exits at once.
 */
import { EXIT } from "./exit-codes.ts";
import type { Logger } from "../log.ts";
import { makeLogger, readConfig } from "./setup.ts";
import { acquireRunLock } from "../lock/run-lock.ts";
import { runDaemon } from "../pipeline/daemon.ts";
import { ProgressStore } from "../progress/progress-store.ts";
import { ProgressLog } from "../progress/progress-log.ts";
import { nodeLogFiles } from "../progress/log-files.ts";
import { VERSION } from "../version.ts";

export interface RunFlags {
  envFile?: string;
  once?: boolean;
}

export async function runCommand(flags: RunFlags): Promise<number> {
  // Signals first: a SIGTERM during start-up (reading the configuration, taking the lock, waiting
  // for S3) must stop dsp the orderly way too, not kill it with the default action.
  const stop = new AbortController();
  let signals = 0;
  let log: Logger | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log?.info("signal received: shutting down", { signal: sig });
      stop.abort();
    } else {
      log?.warn("second signal: exiting now; unfinished multipart uploads are cleaned up at the next start", { signal: sig });
      process.exit(EXIT.FATAL);
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const { config, warnings } = readConfig(flags.envFile);
  log = makeLogger(config);
  for (const w of warnings) log.warn(w);

  const lock = acquireRunLock(config.stateDir, { pid: process.pid, startedAt: new Date().toISOString(), version: VERSION });
  if (!lock.acquired) {
    const who = lock.holder ? ` (pid ${lock.holder.pid}, started ${lock.holder.startedAt})` : "";
    log.info(`another dsp run is active${who}: exiting`, { lock: lock.path });
    return EXIT.OK;
  }

  try {
    const { plog, report } = await ProgressLog.open({
      dir: config.stateDir,
      identity: { bucket: config.s3.bucket, prefix: config.s3.prefix },
      dspVersion: VERSION,
      files: nodeLogFiles,
      log,
      now: Date.now,
      // The log could not be written: nothing done from now on could be acknowledged. Stop; cron
      // restarts dsp, which resumes from the last durable record.
      onFatal: () => process.exit(EXIT.FATAL),
      compactAfterBytes: process.env.DSP_COMPACT_AFTER ? Number(process.env.DSP_COMPACT_AFTER) : undefined,
    });
    const store = new ProgressStore(plog);
    const summary = await runDaemon({ config, log, store, opened: report, once: flags.once ?? false, stop: stop.signal });
    await plog.close();
    log.info("dsp stopped", { completed: summary.completed, failed: summary.failed });
    return flags.once && summary.failed > 0 ? EXIT.FILES_FAILED : EXIT.OK;
  } finally {
    lock.release();
  }
}
