/**
 * `dsp inspect FILE`: reads an archive (or compressed file) exactly as `dsp run` would and lists
 * what would land in S3, without S3 and without a configuration: each file's path (relative to
 * the archive's folder), its entry chain and its decompressed size, the skipped entries and the
 * notices, or the reason the archive would go to the error folder. Every byte is decoded and
 * checked (CRCs, sizes, limits), so it also answers "is this archive good?". Writes nothing to disk.
 *
 * Limits are the defaults, or the DSP_ARCHIVE_* variables of the environment; .xz is decoded by the
 * engine DSP_XZ_DECODER chooses (default auto, as `dsp run`). The last line (on
 * stderr) gives bytes and MB/s of decompressed output: scripts/bench-archive.ts times the compiled
 * binary's decoders with it. Entries' bytes are GC-paced as `dsp run` paces them (gc-pacer.ts), so
 * that peak RSS shows the decoders' memory rather than spent chunks waiting for the collector:
 * unpaced, a 100 MB .7z peaked at 133-143 MiB instead of 113-120, a .xz at 91-98 instead of 72-86.
 * Each chunk is recycled once counted (chunk-pool.ts), as `dsp run`'s uploader recycles it once it
 * is copied into a part: the decoders that reuse their buffers then make no garbage to pace.
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { ArchiveError } from "../archive/archive-error.ts";
import { detectFormat } from "../archive/detect.ts";
import { readHead } from "../archive/walk/byte-streams.ts";
import { LIMIT_CONFIG_KEYS, LimitTracker, type ArchiveLimits } from "../archive/limits.ts";
import { parseChoice, parseInteger, parseSize } from "../config/parse-values.ts";
import { XZ_DECODERS } from "../config/schema.ts";
import { chooseXzEngine, type XzEngine } from "../archive/xz/xz-engine.ts";
import { walkArchive, type WalkNotice } from "../archive/walk/archive-walker.ts";
import { recycleChunk } from "../util/chunk-pool.ts";
import { gcPaced } from "../util/gc-pacer.ts";
import { EXIT } from "./exit-codes.ts";
import { ExitError } from "./setup.ts";

export interface InspectFlags {
  json?: boolean;
  /** Also give each file's SHA-256 (to compare with the source files). */
  hash?: boolean;
}

export async function inspectCommand(input: string, flags: InspectFlags): Promise<number> {
  const handle = await open(input, "r").catch((err: Error) => {
    throw new ExitError(EXIT.CONFIG, `${input}: ${err.message}`);
  });
  const started = performance.now();
  const files: { path: string; entry: string; bytes: number; sha256?: string }[] = [];
  const notices: WalkNotice[] = [];
  let failure: ArchiveError | undefined;
  let limits: LimitTracker | undefined;
  try {
    const size = (await handle.stat()).size;
    const head = await readHead(handle, size);
    const name = basename(input);
    const detection = detectFormat(head, name);
    if (detection.format === "none") throw new ExitError(EXIT.CONFIG, `${input}: not an archive or compressed file (dsp would upload it as it is)`);
    limits = new LimitTracker(name, limitsFromEnv());
    try {
      for await (const f of walkArchive({ handle, path: input, size, name }, head, { limits, maxNestedBytes: envSize("DSP_ARCHIVE_MAX_NESTED_BUFFER", 256 * 2 ** 20), xz: xzEngineFromEnv(), keyPrefix: "", onNotice: (n) => notices.push(n) })) {
        let bytes = 0;
        const hasher = flags.hash ? new Bun.CryptoHasher("sha256") : undefined;
        for await (const chunk of gcPaced(f.data)) {
          bytes += chunk.length;
          hasher?.update(chunk);
          recycleChunk(chunk); // counted and hashed: the decoder may reuse it, as streamParts lets it in dsp run
        }
        const file = { path: f.path, entry: f.entry, bytes, ...(hasher ? { sha256: hasher.digest("hex") } : {}) };
        files.push(file);
        if (!flags.json) process.stdout.write(`${f.path}\t${bytes}\t${f.entry}${file.sha256 ? `\t${file.sha256}` : ""}\n`);
      }
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      failure = err;
    }
  } finally {
    await handle.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const total = files.reduce((s, f) => s + f.bytes, 0);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ files, notices, error: failure ? { code: failure.code, message: failure.message } : undefined, bytes: total, seconds })}\n`);
  } else {
    for (const n of notices) process.stderr.write(`${n.code}: ${n.entry}: ${n.message}\n`);
    if (failure) process.stderr.write(`${input}: would go to the error folder: ${failure.code}: ${failure.message}\n`);
  }
  process.stderr.write(`${input}: ${files.length} files, ${total} bytes decompressed, ${limits?.entries ?? 0} entries, in ${seconds.toFixed(2)} s, ${(total / 1e6 / Math.max(seconds, 1e-9)).toFixed(1)} MB/s\n`);
  return failure ? EXIT.FILES_FAILED : EXIT.OK;
}

/** The DSP_ARCHIVE_* limits from the environment, where set (inspect reads no .env), parsed as the configuration parses them. */
function limitsFromEnv(): Partial<ArchiveLimits> {
  const out: Partial<ArchiveLimits> = {};
  for (const [field, key] of Object.entries(LIMIT_CONFIG_KEYS) as [keyof ArchiveLimits, string][]) {
    const v = process.env[key];
    if (v !== undefined) out[field] = parsed(key, v, field === "maxDepth" || field === "maxEntries" || field === "maxRatio" ? parseInteger : parseSize);
  }
  return out;
}

/** DSP_XZ_DECODER as `dsp run` reads it (default auto). */
function xzEngineFromEnv(): XzEngine {
  const v = process.env.DSP_XZ_DECODER;
  return chooseXzEngine(v === undefined ? "auto" : parsed("DSP_XZ_DECODER", v, parseChoice(XZ_DECODERS))).engine;
}

function envSize(key: string, fallback: number): number {
  const v = process.env[key];
  return v === undefined ? fallback : parsed(key, v, parseSize);
}

function parsed<T>(key: string, text: string, parse: (t: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    throw new ExitError(EXIT.CONFIG, `${key}: ${(err as Error).message}`);
  }
}
