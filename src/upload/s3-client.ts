/**
 * Builds dsp's S3 access from the configuration, and the probe the health gate uses.
 *
 * The transport is SignedFetchS3 (SigV4 by the AWS SDK's signer, sent with fetch): see there why
 * it replaced the SDK client on the data path. DSP_S3_CHECKSUM_MODE=when_supported keeps the
 * SDK's flexible-checksum behaviour available where a store wants it; it is served by the SDK
 * client, which adds CRC checksums (aws-chunked bodies that Ceph RGW and others reject).
 */
import type { S3Config } from "../config/config.ts";
import type { S3Api } from "./s3-api.ts";
import { classifyS3Error } from "./s3-errors.ts";
import { SignedFetchS3 } from "./s3-signed-fetch.ts";

export function createS3Api(cfg: S3Config): S3Api {
  return new SignedFetchS3(cfg);
}

/**
 * Health probe: HeadBucket. Any HTTP answer (even 403 or 404) proves the store is reachable; only
 * transport failures count as down.
 */
export function bucketProbe(s3: S3Api, timeoutMs: number) {
  return async (signal: AbortSignal): Promise<void> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      await s3.headBucket(AbortSignal.any([signal, timeout]));
    } catch (err) {
      const kind = classifyS3Error(err, timeout.aborted, signal.aborted);
      if (kind === "unreachable" || kind === "aborted") throw err;
    }
  };
}
