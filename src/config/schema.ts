/**
 * Every configuration key dsp reads, with its default, its documentation and its parser.
 * This table is the single source of truth: the loader validates against it, `.env.example` is
 * generated from it (and a test keeps the two identical), and unknown DSP_ keys are detected by
 * comparing with it.
 */
import {
  parseBoolean,
  parseBucketName,
  parseChoice,
  parseDuration,
  parseHttpUrl,
  parseInteger,
  parseKeyPrefix,
  parseNonEmpty,
  parseSize,
  ValueError,
} from "./parse-values.ts";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const CHECKSUM_MODES = ["when_required", "when_supported"] as const;
export type ChecksumMode = (typeof CHECKSUM_MODES)[number];
export const PARQUET_COMPRESSIONS = ["zstd", "snappy"] as const;
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number];
export const XZ_DECODERS = ["auto", "builtin"] as const;
export type XzDecoderChoice = (typeof XZ_DECODERS)[number];

export interface KeySpec {
  key: string;
  section: string;
  /** Text written in .env.example; undefined = required, "" = optional and empty by default. */
  default?: string;
  /** One or more lines of documentation for .env.example and the README. */
  doc: string;
  /** When true the key is masked in logs and status output. */
  secret?: boolean;
  parse: (text: string) => unknown;
}

function range(parse: (t: string) => number, min: number, max: number, show: (n: number) => string = String) {
  return (text: string): number => {
    const n = parse(text);
    if (n < min || n > max) throw new ValueError(`expected a value between ${show(min)} and ${show(max)}, got "${text}"`);
    return n;
  };
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const sizeText = (n: number) => (n >= TiB ? `${n / TiB}TiB` : n >= GiB ? `${n / GiB}GiB` : `${n / MiB}MiB`);
const msText = (n: number) => (n >= 1000 ? `${n / 1000}s` : `${n}ms`);

export const KEYS: readonly KeySpec[] = [
  // --- S3 ---
  { key: "DSP_S3_BUCKET", section: "S3", doc: "Bucket that receives the objects (must exist).", parse: parseBucketName },
  {
    key: "DSP_S3_REGION",
    section: "S3",
    default: "us-east-1",
    doc: "Region of the bucket. S3-compatible stores usually accept us-east-1.",
    parse: parseNonEmpty,
  },
  {
    key: "DSP_S3_ENDPOINT",
    section: "S3",
    default: "",
    doc: "Endpoint URL of an S3-compatible store (MinIO, Ceph RGW, SeaweedFS...). Empty = AWS S3.",
    parse: parseHttpUrl,
  },
  { key: "DSP_S3_ACCESS_KEY_ID", section: "S3", doc: "Access key id.", parse: parseNonEmpty },
  { key: "DSP_S3_SECRET_ACCESS_KEY", section: "S3", doc: "Secret access key.", secret: true, parse: parseNonEmpty },
  {
    key: "DSP_S3_FORCE_PATH_STYLE",
    section: "S3",
    default: "",
    doc: "Address the bucket as http://host/bucket instead of http://bucket.host.\nEmpty = true when DSP_S3_ENDPOINT is set, false for AWS.",
    parse: parseBoolean,
  },
  {
    key: "DSP_S3_PREFIX",
    section: "S3",
    default: "",
    doc: 'Folder inside the bucket under which keys are written, e.g. "site-7/incoming". Empty = bucket root.',
    parse: parseKeyPrefix,
  },
  {
    key: "DSP_S3_CHECKSUM_MODE",
    section: "S3",
    default: "when_required",
    doc: "when_required: send only Content-MD5 (works on every S3-compatible store).\nwhen_supported: also the SDK's flexible checksums (AWS only; breaks Ceph RGW and others).",
    parse: parseChoice(CHECKSUM_MODES),
  },
  {
    key: "DSP_S3_REQUEST_TIMEOUT",
    section: "S3",
    default: "30s",
    doc: "A request to S3 that sends or receives nothing for this long is aborted and retried.",
    parse: range(parseDuration, 1000, 3_600_000, msText),
  },
  {
    key: "DSP_RESUME_DELAY",
    section: "S3",
    default: "15s",
    doc: "After a crash or kill, the files that were being uploaded are cleaned up and uploaded again\nonly after this delay: a request the killed process had already sent may still reach the store\nuntil then, and must not land on top of the new upload (seen up to ~1.5 s on a busy SeaweedFS).\nRaise it for a store known to act on requests late.",
    parse: range(parseDuration, 0, 3_600_000, msText),
  },
  {
    key: "DSP_S3_VERIFY_ETAG",
    section: "S3",
    default: "true",
    doc: "Compare the object's final ETag with the MD5 computed while streaming.\nSet false only for buckets with SSE-KMS/SSE-C encryption, whose ETags are not MD5s\n(every request body still carries Content-MD5, checked by the server).",
    parse: parseBoolean,
  },
  // --- Folders ---
  {
    key: "DSP_WATCH_DIR",
    section: "Folders",
    doc: "Folder watched recursively. Relative paths are relative to the folder holding the .env file.",
    parse: parseNonEmpty,
  },
  {
    key: "DSP_ERROR_DIR",
    section: "Folders",
    default: "",
    doc: "Folder receiving files that failed, with a <name>.error.json sidecar. Must be on the same\nfilesystem as DSP_WATCH_DIR. Empty = <DSP_WATCH_DIR>/.dsp-errors (never watched).",
    parse: parseNonEmpty,
  },
  {
    key: "DSP_STATE_DIR",
    section: "Folders",
    default: "",
    doc: "Folder for the run lock and the progress log (a few hundred KB). Empty = .dsp next to the\n.env file (or in the working directory when there is no .env file).",
    parse: parseNonEmpty,
  },
  // --- Logging ---
  {
    key: "DSP_LOG_LEVEL",
    section: "Logging",
    default: "INFO",
    doc: "DEBUG, INFO, WARN or ERROR.",
    parse: (t) => parseChoice(LOG_LEVELS)(t),
  },
  {
    key: "DSP_LOG_FORMAT",
    section: "Logging",
    default: "text",
    doc: "text (one readable line per event) or json (one JSON object per line).",
    parse: parseChoice(LOG_FORMATS),
  },
  // --- Limits ---
  {
    key: "DSP_MAX_CONCURRENT_UPLOADS",
    section: "Limits",
    default: "16",
    doc: "S3 requests (PutObject or UploadPart) in flight at once, across all files.",
    parse: range(parseInteger, 1, 256),
  },
  {
    key: "DSP_PARALLEL_FILES",
    section: "Limits",
    default: "16",
    doc: "Files processed at the same time.",
    parse: range(parseInteger, 1, 256),
  },
  {
    key: "DSP_RETRY_ATTEMPTS",
    section: "Limits",
    default: "5",
    doc: "Retries of a failed S3 request (network error, 5xx, throttling) before the file fails.\nWaits grow exponentially with jitter. Time while S3 is unreachable does not count.",
    parse: range(parseInteger, 0, 100),
  },
  {
    key: "DSP_MAX_FILE_SIZE",
    section: "Limits",
    default: "5TiB",
    doc: "Files larger than this fail with FILE_TOO_LARGE. 5TiB is the S3 object limit.",
    parse: range(parseSize, 1, 5 * TiB, sizeText),
  },
  {
    key: "DSP_PART_SIZE",
    section: "Limits",
    default: "8MiB",
    doc: "Multipart part size; files up to this size go up with one PutObject. Grows automatically\nso that any object stays under 10,000 parts.",
    parse: range(parseSize, 5 * MiB, 5 * GiB, sizeText),
  },
  {
    key: "DSP_MEMORY_BUDGET",
    section: "Limits",
    default: "64MiB",
    doc: "Upper bound for bytes held in memory for uploads (parts being filled or sent).\nMust be at least twice DSP_PART_SIZE.",
    parse: range(parseSize, 10 * MiB, 64 * GiB, sizeText),
  },
  // --- Conversion ---
  {
    key: "DSP_CONVERT_TABLES",
    section: "Conversion",
    default: "true",
    doc: "Convert table exports (.csv, .tsv) to Parquet and upload only <name>.parquet.\nfalse uploads them as they are.",
    parse: parseBoolean,
  },
  {
    key: "DSP_PARQUET_COMPRESSION",
    section: "Conversion",
    default: "zstd",
    doc: "Compression of the Parquet pages: zstd (smaller, and faster here) or snappy.",
    parse: parseChoice(PARQUET_COMPRESSIONS),
  },
  {
    key: "DSP_PARQUET_ROW_GROUP_SIZE",
    section: "Conversion",
    default: "16MiB",
    doc: "Column data collected in memory before a row group is encoded and sent. A file being\nconverted holds about four times this much (columns, their encoding, the compressed pages).",
    parse: range(parseSize, 1 * MiB, 1 * GiB, sizeText),
  },
  {
    key: "DSP_PARALLEL_CONVERSIONS",
    section: "Conversion",
    default: "1",
    doc: "Table files converted at the same time (each takes one CPU core while it runs).",
    parse: range(parseInteger, 1, 64),
  },
  // --- Archives ---
  {
    key: "DSP_EXTRACT_ARCHIVES",
    section: "Archives",
    default: "true",
    doc: "Open archives and compressed files (.zip .tar .tar.gz .gz .bz2 .xz .7z .rar...) and upload\ntheir contents under a folder named after the archive; false uploads them as they are.",
    parse: parseBoolean,
  },
  {
    key: "DSP_ARCHIVE_MAX_DEPTH",
    section: "Archives",
    default: "5",
    doc: "Archives nested deeper than this fail (ARCHIVE_LIMIT_DEPTH). A .tar.gz counts as one level.",
    parse: range(parseInteger, 1, 64),
  },
  {
    key: "DSP_ARCHIVE_MAX_ENTRIES",
    section: "Archives",
    default: "10000",
    doc: "Entries of any kind, across all nesting levels of one file, before it fails (ClamAV's MaxFiles).\nAlso sizes 7-Zip's memory cap for reading 7z/RAR headers (docs/archives.md).",
    parse: range(parseInteger, 1, 10_000_000),
  },
  {
    key: "DSP_ARCHIVE_MAX_TOTAL_BYTES",
    section: "Archives",
    default: "128GiB",
    doc: "Decompressed bytes, across all nesting levels of one file, before it fails.",
    parse: range(parseSize, 1 * MiB, 5 * 1024 * TiB, sizeText),
  },
  {
    key: "DSP_ARCHIVE_MAX_RATIO",
    section: "Archives",
    default: "100",
    doc: "Decompressed bytes per byte read from the file, judged once past DSP_ARCHIVE_RATIO_FLOOR\n(the zip-bomb guard; Apache POI uses 100:1 too).",
    parse: range(parseInteger, 2, 1_000_000),
  },
  {
    key: "DSP_ARCHIVE_RATIO_FLOOR",
    section: "Archives",
    default: "10MiB",
    doc: "Decompressed bytes below which the ratio is not judged (small, very repetitive files are fine).",
    parse: range(parseSize, 0, 1 * TiB, sizeText),
  },
  {
    key: "DSP_ARCHIVE_MAX_DICTIONARY",
    section: "Archives",
    default: "128MiB",
    doc: "Largest xz/7z/RAR dictionary accepted: the decoder allocates it up front (xz -9 uses 64 MiB,\n7-Zip's ultra preset 96 MiB). Also raises 7-Zip's memory cap (docs/archives.md).",
    parse: range(parseSize, 1 * MiB, 4 * GiB, sizeText),
  },
  {
    key: "DSP_ARCHIVE_MAX_NESTED_BUFFER",
    section: "Archives",
    default: "256MiB",
    doc: "A ZIP, 7z or RAR inside another archive must be held in memory to be read (no seeking in a\nstream); larger ones fail with ARCHIVE_LIMIT_MEMORY. Counts on top of DSP_MEMORY_BUDGET.",
    parse: range(parseSize, 1 * MiB, 64 * GiB, sizeText),
  },
  {
    key: "DSP_XZ_DECODER",
    section: "Archives",
    default: "auto",
    doc: "Who decodes .xz: auto = the system's liblzma.so.5 when it has one (xz's own speed, about\n2x the built-in decoder), else the built-in decoder; builtin = never load a system library.\nWith liblzma, 7z archives of LZMA/LZMA2/Copy are decoded by it too (else by 7-Zip's WASM).",
    parse: parseChoice(XZ_DECODERS),
  },
  // --- Watching ---
  {
    key: "DSP_STABILITY_WINDOW",
    section: "Watching",
    default: "5s",
    doc: "A file is processed once its size, mtime and inode stay unchanged for this long.\nLonger than the longest pause of your slowest writer.",
    parse: range(parseDuration, 100, 3_600_000, msText),
  },
  {
    key: "DSP_RESCAN_INTERVAL",
    section: "Watching",
    default: "60s",
    doc: "Full rescan of the watched folder, the ground truth behind the filesystem events\n(events are lost on inotify overflow and on network mounts).",
    parse: range(parseDuration, 500, 86_400_000, msText),
  },
  {
    key: "DSP_WATCH_POLLING",
    section: "Watching",
    default: "false",
    doc: "Poll instead of using inotify (for NFS/SMB mounts, where inotify sees no remote changes).",
    parse: parseBoolean,
  },
  {
    key: "DSP_SHUTDOWN_GRACE",
    section: "Watching",
    default: "10s",
    doc: "On SIGTERM/SIGINT, uploads in flight get this long to finish; the rest are aborted.",
    parse: range(parseDuration, 0, 3_600_000, msText),
  },
];

/**
 * Read from the environment by test tooling only (docs/testing.md), never from .env: crash tests
 * make the binary kill itself at a named step, and force compactions on small logs.
 */
export const TEST_KEYS = ["DSP_FAILPOINT", "DSP_COMPACT_AFTER"] as const;

export const KNOWN_KEYS: ReadonlySet<string> = new Set([...KEYS.map((k) => k.key), ...TEST_KEYS]);
