/**
 * Start-up check of the bucket, so that a wrong bucket name or credentials stop dsp with a message
 * naming the key to fix instead of failing every file. A store that cannot be reached right now is
 * not a configuration error: dsp starts anyway and the health gate waits for it.
 */
import { DspError, describeError } from "../errors.ts";
import { classifyS3Error, errorFacts } from "../upload/s3-errors.ts";
import type { RetryEnv } from "../upload/retry.ts";
import type { S3Api } from "../upload/s3-api.ts";

export async function checkBucket(opts: { s3: S3Api; retry: RetryEnv }): Promise<void> {
  const { s3, retry } = opts;
  const bucket = s3.bucket;
  const timeout = AbortSignal.timeout(retry.policy.timeoutMs);
  try {
    await s3.headBucket(AbortSignal.any([timeout, retry.signal]));
  } catch (err) {
    const kind = classifyS3Error(err, timeout.aborted, retry.signal.aborted);
    if (kind === "unreachable") {
      retry.health.reportUnreachable(err);
      return;
    }
    if (kind !== "permanent") {
      retry.log.warn("bucket check failed; continuing", { details: describeError(err) });
      return;
    }
    const { status } = errorFacts(err);
    if (status === 404) throw new DspError("S3_PERMANENT", `bucket "${bucket}" does not exist (DSP_S3_BUCKET)`, { bucket });
    if (status === 403) {
      throw new DspError(
        "S3_PERMANENT",
        `access to bucket "${bucket}" denied: check DSP_S3_ACCESS_KEY_ID, DSP_S3_SECRET_ACCESS_KEY and the bucket policy`,
        { bucket },
      );
    }
    if (status === 301) {
      throw new DspError("S3_PERMANENT", `bucket "${bucket}" is in another region than DSP_S3_REGION`, { bucket });
    }
    throw new DspError("S3_PERMANENT", `bucket "${bucket}" check refused: ${describeError(err)}`, { bucket, status });
  }
}
