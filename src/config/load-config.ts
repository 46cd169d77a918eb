/**
 * .env + environment → Config. Reads the file given with --env-file (must exist) or ./.env (may be
 * absent), lets real environment variables override it, validates every key against schema.ts and
 * reports every problem at once, each naming its key. Unknown DSP_ keys produce warnings with the
 * closest known key, because a typo in a key silently falls back to a default otherwise.
 */
import { parse as parseDotenv } from "dotenv";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Config } from "./config.ts";
import { KEYS, KNOWN_KEYS, type KeySpec } from "./schema.ts";
import { formatBytes } from "./parse-values.ts";
import { DspError } from "../errors.ts";
import { closestKey } from "./closest-key.ts";

export interface LoadConfigInput {
  /** Path from --env-file; when given, the file must exist. */
  envFile?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Returns the file's text, or undefined when it does not exist; throws on other errors. */
  readTextFile: (path: string) => string | undefined;
}

export interface LoadedConfig {
  config: Config;
  warnings: string[];
}

export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const explicit = input.envFile !== undefined;
  const envPath = resolve(input.cwd, input.envFile ?? ".env");
  let fileText: string | undefined;
  try {
    fileText = input.readTextFile(envPath);
  } catch (err) {
    throw new DspError("CONFIG_FILE_UNREADABLE", `cannot read ${envPath}: ${(err as Error).message}`, { file: envPath });
  }
  if (fileText === undefined && explicit) {
    throw new DspError("CONFIG_FILE_UNREADABLE", `--env-file ${envPath} does not exist`, { file: envPath });
  }
  const fromFile = fileText === undefined ? {} : parseDotenv(fileText);
  const baseDir = fileText === undefined ? input.cwd : dirname(envPath);

  const raw = new Map<string, string>();
  for (const [k, v] of Object.entries(fromFile)) raw.set(k, v);
  for (const [k, v] of Object.entries(input.env)) if (v !== undefined && k.startsWith("DSP_")) raw.set(k, v);

  const warnings: string[] = [];
  for (const k of raw.keys()) {
    if (k.startsWith("DSP_") && !KNOWN_KEYS.has(k)) {
      const near = closestKey(k, [...KNOWN_KEYS]);
      warnings.push(`unknown configuration key ${k} is ignored${near ? ` (did you mean ${near}?)` : ""}`);
    }
  }

  const problems: string[] = [];
  const values = new Map<string, unknown>();
  for (const spec of KEYS) {
    const text = raw.get(spec.key);
    const value = parseKey(spec, text, problems);
    if (value !== undefined) values.set(spec.key, value);
  }
  if (problems.length > 0) throw configError(problems, envPath, fileText !== undefined);

  const get = <T>(key: string): T => values.get(key) as T;
  const endpoint = get<string | undefined>("DSP_S3_ENDPOINT");
  const watchDir = absolute(baseDir, get<string>("DSP_WATCH_DIR"));
  const errorDir = absolute(baseDir, get<string | undefined>("DSP_ERROR_DIR") ?? join(watchDir, ".dsp-errors"));
  const stateDir = absolute(baseDir, get<string | undefined>("DSP_STATE_DIR") ?? ".dsp");

  const config: Config = {
    s3: {
      bucket: get("DSP_S3_BUCKET"),
      region: get("DSP_S3_REGION"),
      endpoint,
      accessKeyId: get("DSP_S3_ACCESS_KEY_ID"),
      secretAccessKey: get("DSP_S3_SECRET_ACCESS_KEY"),
      forcePathStyle: get<boolean | undefined>("DSP_S3_FORCE_PATH_STYLE") ?? endpoint !== undefined,
      prefix: get<string | undefined>("DSP_S3_PREFIX") ?? "",
      checksumMode: get("DSP_S3_CHECKSUM_MODE"),
      requestTimeoutMs: get("DSP_S3_REQUEST_TIMEOUT"),
      verifyEtag: get("DSP_S3_VERIFY_ETAG"),
    },
    watchDir,
    errorDir,
    stateDir,
    logLevel: get("DSP_LOG_LEVEL"),
    logFormat: get("DSP_LOG_FORMAT"),
    maxConcurrentUploads: get("DSP_MAX_CONCURRENT_UPLOADS"),
    parallelFiles: get("DSP_PARALLEL_FILES"),
    retryAttempts: get("DSP_RETRY_ATTEMPTS"),
    maxFileSize: get("DSP_MAX_FILE_SIZE"),
    partSize: get("DSP_PART_SIZE"),
    memoryBudget: get("DSP_MEMORY_BUDGET"),
    stabilityWindowMs: get("DSP_STABILITY_WINDOW"),
    rescanIntervalMs: get("DSP_RESCAN_INTERVAL"),
    watchPolling: get("DSP_WATCH_POLLING"),
    shutdownGraceMs: get("DSP_SHUTDOWN_GRACE"),
    resumeDelayMs: get("DSP_RESUME_DELAY"),
    convert: {
      tables: get("DSP_CONVERT_TABLES"),
      compression: get("DSP_PARQUET_COMPRESSION"),
      rowGroupBytes: get("DSP_PARQUET_ROW_GROUP_SIZE"),
      parallel: get("DSP_PARALLEL_CONVERSIONS"),
    },
    archives: {
      extract: get("DSP_EXTRACT_ARCHIVES"),
      maxDepth: get("DSP_ARCHIVE_MAX_DEPTH"),
      maxEntries: get("DSP_ARCHIVE_MAX_ENTRIES"),
      maxTotalBytes: get("DSP_ARCHIVE_MAX_TOTAL_BYTES"),
      maxRatio: get("DSP_ARCHIVE_MAX_RATIO"),
      ratioFloorBytes: get("DSP_ARCHIVE_RATIO_FLOOR"),
      maxDictionaryBytes: get("DSP_ARCHIVE_MAX_DICTIONARY"),
      maxNestedBytes: get("DSP_ARCHIVE_MAX_NESTED_BUFFER"),
      xzDecoder: get("DSP_XZ_DECODER"),
    },
    source: { envFile: fileText === undefined ? undefined : envPath, baseDir },
  };
  crossCheck(config, problems);
  if (problems.length > 0) throw configError(problems, envPath, fileText !== undefined);
  return { config, warnings };
}

function parseKey(spec: KeySpec, text: string | undefined, problems: string[]): unknown {
  const effective = text ?? spec.default;
  if (effective === undefined || (effective.trim() === "" && spec.default === undefined)) {
    problems.push(`${spec.key} is required: ${spec.doc.split("\n")[0]}`);
    return undefined;
  }
  if (effective.trim() === "") return undefined; // optional key left empty: computed default
  try {
    return spec.parse(effective);
  } catch (err) {
    problems.push(`${spec.key}: ${(err as Error).message}`);
    return undefined;
  }
}

function crossCheck(c: Config, problems: string[]): void {
  if (c.memoryBudget < 2 * c.partSize) {
    problems.push(
      `DSP_MEMORY_BUDGET (${formatBytes(c.memoryBudget)}) must be at least twice DSP_PART_SIZE (${formatBytes(c.partSize)})`,
    );
  }
  if (c.errorDir === c.watchDir) problems.push("DSP_ERROR_DIR must not be the watched folder itself");
  if (isInside(c.watchDir, c.errorDir)) problems.push("DSP_ERROR_DIR must not contain DSP_WATCH_DIR");
  if (c.stateDir === c.watchDir || (isInside(c.stateDir, c.watchDir) && !hiddenBelow(c.watchDir, c.stateDir))) {
    problems.push("DSP_STATE_DIR must not be inside DSP_WATCH_DIR unless it is a hidden (dot) folder, which is never watched");
  }
}

/** true when `inner` is strictly below `outer`. */
function isInside(inner: string, outer: string): boolean {
  return inner.startsWith(outer.endsWith("/") ? outer : outer + "/");
}

function hiddenBelow(root: string, path: string): boolean {
  return path
    .slice(root.length)
    .split("/")
    .some((s) => s.startsWith("."));
}

function absolute(baseDir: string, p: string): string {
  return isAbsolute(p) ? resolve(p) : resolve(baseDir, p);
}

function configError(problems: string[], envPath: string, fileRead: boolean): DspError {
  const where = fileRead ? `in ${envPath} or the environment` : `in the environment (no ${envPath})`;
  return new DspError(
    "CONFIG_INVALID",
    `invalid configuration ${where}:\n` + problems.map((p) => `  - ${p}`).join("\n"),
    { problems },
  );
}
