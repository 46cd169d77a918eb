/**
 * The uploaders under test and the exact command line each one gets. Every tool writes the same
 * keys (the path below the workload folder) into the bucket root of its own fresh bucket.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { S3Endpoint } from "../../test/harness/seaweedfs.ts";
import type { ChildSpec } from "./measure.ts";
import type { Workload, WorkloadId } from "./workloads.ts";

export interface RunContext {
  workload: Workload;
  bucket: string;
  s3: S3Endpoint;
  /** Scratch folder of this one run, outside every workload folder. */
  runDir: string;
}

export interface Tool {
  /** Short and bucket-name safe: part of the bucket name. */
  id: string;
  label: string;
  isDsp: boolean;
  /** The dsp row the peers are compared with. */
  headline: boolean;
  workloads: WorkloadId[];
  spec(ctx: RunContext): ChildSpec;
}

export const STABILITY_WINDOW = "100ms";

/**
 * The inherited environment without anything that would configure a tool behind the benchmark's
 * back: AWS_CA_BUNDLE in particular makes rclone 1.60 fail (LoadCustomCABundleError) even for http.
 */
function cleanEnv(runDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(AWS_|RCLONE_|DSP_)/.test(k)) env[k] = v;
  }
  // Defaults only: a ~/.aws/config or rclone.conf on this machine must not tune the peers.
  const none = join(runDir, "no-config");
  writeFileSync(none, "");
  env.AWS_CONFIG_FILE = none;
  env.AWS_SHARED_CREDENTIALS_FILE = none;
  env.RCLONE_CONFIG = none;
  return env;
}

/** dsp with its defaults (the headline), with some settings changed, or another build (`baseline`). */
export function dspTool(binary: string, overrides: Record<string, string> = {}, baseline = false): Tool {
  const tuned = Object.entries(overrides);
  const suffix = tuned.map(([k, v]) => `${k.replace(/^DSP_/, "").toLowerCase().replace(/_/g, "")}${v}`).join("-");
  return {
    id: baseline ? "dsp-baseline" : tuned.length ? `dsp-${suffix}`.slice(0, 30).replace(/[^a-z0-9-]/g, "") : "dsp",
    label: baseline ? `dsp baseline (${binary})` : tuned.length ? `dsp ${tuned.map(([k, v]) => `${k}=${v}`).join(" ")}` : "dsp (defaults)",
    isDsp: true,
    headline: tuned.length === 0 && !baseline,
    workloads: ["A", "B"],
    spec({ workload, bucket, s3, runDir }) {
      const envFile = join(runDir, "dsp.env");
      mkdirSync(join(runDir, "errors"));
      const settings: Record<string, string> = {
        DSP_S3_BUCKET: bucket,
        DSP_S3_ENDPOINT: s3.endpoint,
        DSP_S3_REGION: s3.region,
        DSP_S3_ACCESS_KEY_ID: s3.accessKeyId,
        DSP_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        DSP_WATCH_DIR: workload.dir,
        // Both outside the watched folder so the peers see exactly the same tree afterwards.
        DSP_STATE_DIR: join(runDir, "state"),
        DSP_ERROR_DIR: join(runDir, "errors"),
        // Logging would be measured too: WARN keeps dsp as quiet as the peers.
        DSP_LOG_LEVEL: "WARN",
        // The only default changed for the headline: the files are complete before dsp starts.
        DSP_STABILITY_WINDOW: STABILITY_WINDOW,
        ...overrides,
      };
      writeFileSync(envFile, Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(""));
      return { argv: [binary, "run", "--once", "--env-file", envFile], env: cleanEnv(runDir) };
    },
  };
}

export function awsTool(binary: string): Tool {
  return {
    id: "aws",
    label: "aws s3 cp / sync",
    isDsp: false,
    headline: false,
    workloads: ["A", "B"],
    spec({ workload, bucket, s3, runDir }) {
      const env = {
        ...cleanEnv(runDir),
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_DEFAULT_REGION: s3.region,
      };
      // --only-show-errors is aws' equivalent of DSP_LOG_LEVEL=WARN (no per-file line, no progress).
      const common = ["--endpoint-url", s3.endpoint, "--only-show-errors"];
      const argv =
        workload.id === "A"
          ? [binary, "s3", "cp", join(workload.dir, workload.files[0]!), `s3://${bucket}/${workload.files[0]}`, ...common]
          : [binary, "s3", "sync", workload.dir, `s3://${bucket}/`, ...common];
      return { argv, env };
    },
  };
}

export function rcloneTool(binary: string, extraArgs: string[] = []): Tool {
  return {
    id: extraArgs.length ? `rclone${extraArgs.join("").replace(/[^a-z0-9]/g, "")}` : "rclone",
    label: ["rclone copy", ...extraArgs].join(" "),
    isDsp: false,
    headline: false,
    workloads: extraArgs.length ? ["B"] : ["A", "B"],
    spec({ workload, bucket, s3, runDir }) {
      // A remote named "s3" defined only by environment variables: no config file is read or written.
      const env = {
        ...cleanEnv(runDir),
        RCLONE_CONFIG_S3_TYPE: "s3",
        RCLONE_CONFIG_S3_PROVIDER: "Other",
        RCLONE_CONFIG_S3_ACCESS_KEY_ID: s3.accessKeyId,
        RCLONE_CONFIG_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        RCLONE_CONFIG_S3_ENDPOINT: s3.endpoint,
        RCLONE_CONFIG_S3_REGION: s3.region,
      };
      return { argv: [binary, "copy", workload.dir, `s3:${bucket}`, ...extraArgs], env };
    },
  };
}

/** @aws-sdk/lib-storage's Upload, the design card's helper, on the single large file. */
export function libStorageTool(bun: string, script: string): Tool {
  return {
    id: "libstorage",
    label: "@aws-sdk/lib-storage Upload",
    isDsp: false,
    headline: false,
    workloads: ["A"],
    spec({ workload, bucket, s3, runDir }) {
      const env = {
        ...cleanEnv(runDir),
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_DEFAULT_REGION: s3.region,
      };
      const file = workload.files[0]!;
      return { argv: [bun, script, join(workload.dir, file), s3.endpoint, bucket, file], env };
    },
  };
}
