/**
 * The typed, validated configuration every other module receives. Built once at start by
 * load-config.ts; never read from process.env anywhere else.
 */
import type { ChecksumMode, LogFormat, LogLevel, ParquetCompression, XzDecoderChoice } from "./schema.ts";

export interface S3Config {
  bucket: string;
  region: string;
  /** undefined = AWS S3 */
  endpoint: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** "" or a folder ending in "/" */
  prefix: string;
  checksumMode: ChecksumMode;
  requestTimeoutMs: number;
  verifyEtag: boolean;
}

export interface Config {
  s3: S3Config;
  /** Absolute paths. */
  watchDir: string;
  errorDir: string;
  stateDir: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  maxConcurrentUploads: number;
  parallelFiles: number;
  retryAttempts: number;
  maxFileSize: number;
  partSize: number;
  memoryBudget: number;
  stabilityWindowMs: number;
  rescanIntervalMs: number;
  watchPolling: boolean;
  shutdownGraceMs: number;
  /** After a crash: how long requests of the killed process may still land (DSP_RESUME_DELAY). */
  resumeDelayMs: number;
  convert: {
    /** .csv/.tsv become Parquet (false: uploaded as they are). */
    tables: boolean;
    compression: ParquetCompression;
    rowGroupBytes: number;
    parallel: number;
  };
  archives: {
    /** Archives and compressed files are opened (false: uploaded as they are). */
    extract: boolean;
    maxDepth: number;
    maxEntries: number;
    maxTotalBytes: number;
    maxRatio: number;
    ratioFloorBytes: number;
    maxDictionaryBytes: number;
    maxNestedBytes: number;
    /** DSP_XZ_DECODER: the system's liblzma when usable (auto) or always the built-in decoder. */
    xzDecoder: XzDecoderChoice;
  };
  /** Where relative paths were resolved from and which .env file was read (for messages). */
  source: { envFile: string | undefined; baseDir: string };
}
