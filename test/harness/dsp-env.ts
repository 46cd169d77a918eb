/** The environment a test gives dsp: the test server, its bucket, its folders, fast timings, JSON logs. */
import type { TestBucket } from "./bucket.ts";
import type { WorkDir } from "./workdir.ts";

export function dspEnv(bucket: TestBucket, wd: WorkDir, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DSP_S3_BUCKET: bucket.name,
    DSP_S3_ENDPOINT: bucket.s3.endpoint,
    DSP_S3_REGION: bucket.s3.region,
    DSP_S3_ACCESS_KEY_ID: bucket.s3.accessKeyId,
    DSP_S3_SECRET_ACCESS_KEY: bucket.s3.secretAccessKey,
    DSP_WATCH_DIR: wd.watch,
    DSP_STATE_DIR: wd.state,
    DSP_LOG_FORMAT: "json",
    DSP_LOG_LEVEL: "DEBUG",
    DSP_STABILITY_WINDOW: "300ms",
    DSP_RESCAN_INTERVAL: "5s",
    DSP_SHUTDOWN_GRACE: "5s",
    // After a kill, files in flight wait this long before they go up again (resume-fence.ts):
    // long enough for the kill loop's late requests (seen up to ~1.5 s), short enough for many restarts.
    DSP_RESUME_DELAY: "3s",
    ...overrides,
  };
}
