/**
 * What `dsp run` does between taking the lock and watching: say what the progress log held, check
 * the error folder, name the files the previous run left unfinished (their cleanup waits behind the
 * resume fence), and, when the log was new or lost, abort unfinished uploads on the folder's keys
 * and have every file checked against S3 before it is uploaded (the rebuild of FR-016).
 */
import type { Config } from "../config/config.ts";
import { DspError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { OpenReport } from "../progress/progress-log.ts";
import type { ProgressStore } from "../progress/progress-store.ts";
import type { RetryEnv } from "../upload/retry.ts";
import type { S3Api } from "../upload/s3-api.ts";
import { IgnoreRules } from "../watch/ignore-rules.ts";
import { scanTree } from "../watch/tree-scan.ts";
import { abortUploadsForKeys, leftoversOf } from "./crash-cleanup.ts";
import { prepareErrorFolder } from "./error-folder.ts";
import { objectKey } from "./object-naming.ts";

export interface StartupDeps {
  config: Config;
  s3: S3Api;
  retry: RetryEnv;
  store: ProgressStore;
  log: Logger;
  opened: OpenReport;
}

export interface RunStart {
  /** Files without a log entry must be checked against S3 before uploading. */
  checkRemote: boolean;
  /** Files the previous run left unfinished: cleaned up and uploaded again after DSP_RESUME_DELAY (resume-fence.ts). */
  leftovers: string[];
}

export async function prepareRun(d: StartupDeps): Promise<RunStart> {
  describeOpen(d.log, d.opened);
  const problem = await prepareErrorFolder(d.config.watchDir, d.config.errorDir);
  if (problem) throw new DspError("CONFIG_INVALID", problem, { key: "DSP_ERROR_DIR" });

  const leftovers = leftoversOf(d.store);
  const retried = d.store.retryLeftInPlace();
  if (retried > 0) d.log.info("files that failed in place last time are tried again", { files: retried });
  if (d.opened.kind === "replayed") return { checkRemote: false, leftovers };

  const keys = await folderKeys(d.config);
  const aborted = await abortUploadsForKeys(d, keys);
  d.log.info("no usable progress log: files are checked against S3 before upload", {
    files: keys.size,
    aborted_uploads: aborted,
  });
  return { checkRemote: true, leftovers };
}

function describeOpen(log: Logger, r: OpenReport): void {
  if (r.truncated) {
    log.info("progress log: cut a torn tail left by an interrupted write", { bytes: r.truncated.bytes, reason: r.truncated.reason });
  }
  switch (r.kind) {
    case "replayed":
      log.info("progress log replayed", { entries: r.entries, records: r.records, bytes: r.bytes });
      break;
    case "new":
      log.info("progress log created");
      break;
    case "corrupt":
      log.error("PROGRESS LOG CORRUPT: moved aside, rebuilding the state from S3", {
        error: "PROGRESS_LOG_CORRUPT",
        details: r.reason,
        moved_to: r.movedAside,
      });
      break;
    case "other-destination":
      log.warn("progress log belongs to another bucket or prefix: moved aside, starting from S3", {
        details: r.reason,
        moved_to: r.movedAside,
      });
      break;
  }
}

/** Keys of every file now in the watched folder: with the log lost, these are the keys dsp owns. */
async function folderKeys(config: Config): Promise<Set<string>> {
  const keys = new Set<string>();
  try {
    for await (const f of scanTree({
      root: config.watchDir,
      rules: new IgnoreRules([config.errorDir, config.stateDir]),
      onSkipped: () => {},
      onError: () => {},
    })) {
      try {
        keys.add(objectKey(config.s3.prefix, f.relPath));
      } catch {
        // a name that cannot be a key: its file fails later with the reason
      }
    }
  } catch {
    // the watched folder is missing: nothing of it can have an unfinished upload to find
  }
  return keys;
}
