import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load-config.ts";
import { isDspError } from "../../../src/errors.ts";

const minimal = {
  DSP_S3_BUCKET: "my-bucket",
  DSP_S3_ACCESS_KEY_ID: "AKIA",
  DSP_S3_SECRET_ACCESS_KEY: "secret",
  DSP_WATCH_DIR: "/data/in",
};

function load(env: Record<string, string>, file?: string, envFile?: string) {
  return loadConfig({
    envFile,
    cwd: "/srv/dsp",
    env,
    readTextFile: (p) => (file !== undefined && p === (envFile ?? "/srv/dsp/.env") ? file : undefined),
  });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (isDspError(err, "CONFIG_INVALID")) return err.context.problems as string[];
    throw err;
  }
  throw new Error("expected a configuration error");
}

describe("loadConfig", () => {
  test("minimal configuration gets the documented defaults", () => {
    const { config, warnings } = load(minimal);
    expect(warnings).toEqual([]);
    expect(config.s3.region).toBe("us-east-1");
    expect(config.s3.endpoint).toBeUndefined();
    expect(config.s3.forcePathStyle).toBe(false);
    expect(config.s3.checksumMode).toBe("when_required");
    expect(config.partSize).toBe(8 * 1024 ** 2);
    expect(config.memoryBudget).toBe(64 * 1024 ** 2);
    expect(config.stabilityWindowMs).toBe(5000);
    expect(config.errorDir).toBe("/data/in/.dsp-errors");
    expect(config.stateDir).toBe("/srv/dsp/.dsp");
    expect(config.logLevel).toBe("INFO");
  });

  test("reads .env, and real environment variables override it", () => {
    const file = "DSP_S3_BUCKET=from-file\nDSP_S3_ACCESS_KEY_ID=k\nDSP_S3_SECRET_ACCESS_KEY=s\nDSP_WATCH_DIR=in\nDSP_LOG_LEVEL=debug\n";
    const { config } = load({ DSP_S3_BUCKET: "from-env" }, file);
    expect(config.s3.bucket).toBe("from-env");
    expect(config.logLevel).toBe("DEBUG");
    expect(config.watchDir).toBe("/srv/dsp/in");
  });

  test("relative paths are relative to the folder of the --env-file", () => {
    const file = "DSP_WATCH_DIR=incoming\nDSP_STATE_DIR=state\n";
    const { DSP_WATCH_DIR: _, ...rest } = minimal;
    const { config } = load(rest, file, "/etc/dsp/dsp.env");
    expect(config.watchDir).toBe("/etc/dsp/incoming");
    expect(config.stateDir).toBe("/etc/dsp/state");
    expect(config.source.envFile).toBe("/etc/dsp/dsp.env");
  });

  test("an endpoint switches path-style addressing on unless told otherwise", () => {
    expect(load({ ...minimal, DSP_S3_ENDPOINT: "http://127.0.0.1:9000" }).config.s3.forcePathStyle).toBe(true);
    expect(
      load({ ...minimal, DSP_S3_ENDPOINT: "http://127.0.0.1:9000", DSP_S3_FORCE_PATH_STYLE: "false" }).config.s3.forcePathStyle,
    ).toBe(false);
  });

  test("every missing required key is named in one error", () => {
    const problems = problemsOf(() => load({}));
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "DSP_S3_BUCKET",
      "DSP_S3_ACCESS_KEY_ID",
      "DSP_S3_SECRET_ACCESS_KEY",
      "DSP_WATCH_DIR",
    ]);
    for (const p of problems) expect(p).toContain("is required");
  });

  test.each([
    ["DSP_S3_BUCKET", "Bad_Bucket", /DSP_S3_BUCKET: .*lowercase/],
    ["DSP_S3_ENDPOINT", "localhost:9000", /DSP_S3_ENDPOINT: expected an http/],
    ["DSP_S3_FORCE_PATH_STYLE", "sometimes", /DSP_S3_FORCE_PATH_STYLE: expected true or false/],
    ["DSP_S3_PREFIX", "/abs", /DSP_S3_PREFIX: .*must not start/],
    ["DSP_S3_CHECKSUM_MODE", "crc32", /DSP_S3_CHECKSUM_MODE: expected one of when_required, when_supported/],
    ["DSP_S3_REQUEST_TIMEOUT", "10ms", /DSP_S3_REQUEST_TIMEOUT: expected a value between 1s and/],
    ["DSP_LOG_LEVEL", "verbose", /DSP_LOG_LEVEL: expected one of DEBUG, INFO, WARN, ERROR/],
    ["DSP_LOG_FORMAT", "xml", /DSP_LOG_FORMAT: expected one of text, json/],
    ["DSP_MAX_CONCURRENT_UPLOADS", "0", /DSP_MAX_CONCURRENT_UPLOADS: expected a value between 1 and 256/],
    ["DSP_PARALLEL_FILES", "four", /DSP_PARALLEL_FILES: expected a whole number/],
    ["DSP_RETRY_ATTEMPTS", "-1", /DSP_RETRY_ATTEMPTS: expected a whole number/],
    ["DSP_MAX_FILE_SIZE", "6TiB", /DSP_MAX_FILE_SIZE: expected a value between/],
    ["DSP_PART_SIZE", "1MiB", /DSP_PART_SIZE: expected a value between 5MiB and 5GiB/],
    ["DSP_MEMORY_BUDGET", "lots", /DSP_MEMORY_BUDGET: expected a size/],
    ["DSP_STABILITY_WINDOW", "fast", /DSP_STABILITY_WINDOW: expected a duration/],
    ["DSP_RESCAN_INTERVAL", "1ms", /DSP_RESCAN_INTERVAL: expected a value between/],
    ["DSP_WATCH_POLLING", "2", /DSP_WATCH_POLLING: expected true or false/],
    ["DSP_SHUTDOWN_GRACE", "2 weeks", /DSP_SHUTDOWN_GRACE: expected a duration/],
    ["DSP_S3_VERIFY_ETAG", "perhaps", /DSP_S3_VERIFY_ETAG: expected true or false/],
  ])("%s=%p is rejected with a message naming the key", (key, value, message) => {
    const problems = problemsOf(() => load({ ...minimal, [key]: value }));
    expect(problems.length).toBe(1);
    expect(problems[0]).toMatch(message);
  });

  test("keys are checked against each other", () => {
    const problems = problemsOf(() => load({ ...minimal, DSP_PART_SIZE: "64MiB", DSP_MEMORY_BUDGET: "100MiB" }));
    expect(problems[0]).toMatch(/DSP_MEMORY_BUDGET \(100MiB\) must be at least twice DSP_PART_SIZE \(64MiB\)/);
    expect(problemsOf(() => load({ ...minimal, DSP_ERROR_DIR: "/data/in" }))[0]).toMatch(/DSP_ERROR_DIR must not be the watched folder/);
    expect(problemsOf(() => load({ ...minimal, DSP_STATE_DIR: "/data/in/state" }))[0]).toMatch(/DSP_STATE_DIR must not be inside/);
  });

  test("a state folder hidden inside the watched folder is accepted (dot folders are never watched)", () => {
    expect(load({ ...minimal, DSP_STATE_DIR: "/data/in/.dsp" }).config.stateDir).toBe("/data/in/.dsp");
  });

  test("unknown DSP_ keys are warned about with the closest known key", () => {
    const { warnings } = load({ ...minimal, DSP_S3_BUKET: "x", DSP_SOMETHING_ELSE_ENTIRELY: "1", OTHER: "ignored" });
    expect(warnings).toEqual([
      "unknown configuration key DSP_S3_BUKET is ignored (did you mean DSP_S3_BUCKET?)",
      "unknown configuration key DSP_SOMETHING_ELSE_ENTIRELY is ignored",
    ]);
  });

  test("an --env-file that does not exist is an error, a missing ./.env is not", () => {
    expect(() => load(minimal, undefined, "/etc/dsp/missing.env")).toThrow(/--env-file \/etc\/dsp\/missing.env does not exist/);
    expect(load(minimal).config.source.envFile).toBeUndefined();
  });
});
