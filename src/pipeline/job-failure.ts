/**
 * How a file's failure is recorded: moved to the error folder with its `.error.json` sidecar (unless
 * the failure is the store's, not the file's), made durable in the progress log, and logged with
 * the context an operator needs.
 */
import { contextFields, describeError, type DspError } from "../errors.ts";
import type { ReadyFile } from "../watch/folder-watcher.ts";
import { moveToErrorFolder } from "./error-folder.ts";
import type { JobDeps, JobOutcome } from "./file-job.ts";

/**
 * Failures that are not the file's fault (the store refuses everyone: credentials, bucket policy,
 * a missing bucket) leave the file where it is: moving every file of the folder to the error
 * folder would not help anyone. It is retried when modified or at the next start.
 */
export function storeWide(err: DspError): boolean {
  const code = String(err.context.s3_code ?? "");
  return err.code === "S3_PERMANENT" && (err.context.status === 403 || code === "NoSuchBucket" || code === "InvalidAccessKeyId");
}

export async function fail(deps: JobDeps, file: ReadyFile, error: DspError): Promise<JobOutcome> {
  const attempts = deps.store.entry(file.relPath)?.attempts ?? 1;
  let movedTo: string | undefined;
  if (!storeWide(error)) {
    try {
      const moved = await moveToErrorFolder(
        deps.watchDir,
        deps.errorDir,
        { relPath: file.relPath, fp: file.fp, code: error.code, message: error.message, attempts, context: contextFields(error.context) },
        new Date(deps.now()),
      );
      movedTo = moved?.movedTo;
    } catch (err) {
      deps.log.error("could not move the failed file to the error folder", { file: file.relPath, details: describeError(err) });
    }
  }
  await deps.store.failed(file.relPath, file.fp, { code: error.code, message: error.message, ...(movedTo ? { movedTo } : {}) });
  deps.log.error("failed", {
    file: file.relPath,
    key: typeof error.context.key === "string" ? error.context.key : undefined,
    error: error.code,
    details: error.message,
    attempts,
    moved_to: movedTo,
  });
  return { kind: "failed", error };
}
