/**
 * Parses 7-Zip's technical listing (`7z l -slt`) into entries.
 *
 * The listing's shape (stdout):
 *   ...banner...
 *   Listing archive: /in/archive
 *   --                               ← archive properties follow ("Type = 7z", "ERRORS:" + lines...)
 *   Path = /in/archive
 *   Type = 7z
 *   ----------                       ← then one record per entry, separated by blank lines
 *   Path = dir/a.txt
 *   Size = 6
 *   Attributes = A -rw-r--r--        (7z: Windows letters, then the Unix mode when there is one)
 *   Encrypted = -
 *   Method = LZMA2:24
 *   Block = 0
 *
 * Invariants:
 *  - A record is a run of "Key = Value" lines starting with "Path = "; a line of another shape or a
 *    key seen twice inside a record is ARCHIVE_CORRUPT: names cannot forge fields (7-Zip prints
 *    control characters in names as "_", and this keeps a future version that does not honest).
 *  - Paths are the listing's, untouched: "../x" stays "../x" (7-Zip only rewrites it when it
 *    extracts to disk); path rules are the caller's (entry-path.ts). Control characters in a name
 *    reach us as "_" already: 7-Zip does that before printing, and the raw bytes are not available.
 *  - A multi-line value (an archive's comment, RAR's "Comment = " then "{", its lines, "}") is one
 *    value, not lines of the listing. A comment is the archive author's text, so one holding a "}"
 *    line can still break the listing: at worst the archive fails (its stray lines are errors, or
 *    forged records disagree with the data 7-Zip extracts), it cannot reach past our path rules.
 *  - Kind: "Folder = +" (RAR) or a "D" attribute → directory; a Unix mode starting with "l" or a
 *    "Symbolic Link" value → symlink; hard/copy links, alternate streams, anti-items, devices → other.
 *    RAR 4 archives carry no Unix mode in 7-Zip's listing, so a RAR 4 symlink lists as a file here;
 *    sevenzip-reader.ts relabels it from the file headers (rar4-links.ts).
 */
import { ArchiveError } from "../archive-error.ts";
import { parseMethod } from "./method.ts";

export type SevenZipEntryKind = "file" | "directory" | "symlink" | "other";

/** One listed entry, with what the reader checks but callers do not need (CRC, solid block). */
export interface ListedEntry {
  index: number;
  path: string;
  kind: SevenZipEntryKind;
  /** Undefined only when the archive does not record it (RAR "unknown size"). */
  size: number | undefined;
  encrypted: boolean;
  method?: string;
  dictionaryBytes?: number;
  /** CRC-32 of the content when the listing shows one (not for empty 7z files, nor encrypted ones). */
  crc?: number;
  /** A symbolic, hard or copy link: 7-Zip is told to leave it out of the extraction (worker-protocol.ts). */
  link?: true;
  block?: number;
}

export interface Listing {
  /** The archive's own properties ("Type", "Physical Size"...). */
  archive: Map<string, string>;
  /** Lines under "ERRORS:" / "WARNINGS:" and "Open ERROR"-style lines, as printed. */
  errors: string[];
  warnings: string[];
  /** True when the "----------" line that starts the entries was printed (the archive opened). */
  opened: boolean;
  entries: ListedEntry[];
}

const UNIX_MODE = /(?:^|\s)([-dlcbps])[-rwxsStT]{9}$/;

/** Parses a whole listing at once (the worker feeds ListingParser as the listing streams). */
export function parseListing(stdout: string, archiveName: string): Listing {
  const parser = new ListingParser(archiveName);
  for (const line of stdout.split(/\r?\n/)) parser.line(line);
  return parser.finish();
}

/**
 * The listing, one line at a time (without its line break), in the order 7-Zip prints it: only the
 * entries are kept, never the text, so a listing of 100,000 entries costs their records, not the
 * 14-35 MB of text and the millions of pieces 7-Zip writes it in. Throws ARCHIVE_CORRUPT from
 * line() on a line a record cannot hold.
 */
export class ListingParser {
  readonly archive = new Map<string, string>();
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly entries: ListedEntry[] = [];
  private phase: "preamble" | "archive" | "records" = "preamble";
  private opened = false;
  private heading: string[] | undefined;
  private record: Map<string, string> | undefined;
  /** A field printed with an empty value: its value is multi-line if the next line is "{". */
  private pending: { into: Map<string, string>; key: string } | undefined;
  /** Inside a multi-line value: its lines so far (until "}"). */
  private multi: { into: Map<string, string>; key: string; lines: string[] } | undefined;

  constructor(private readonly archiveName: string) {}

  line(line: string): void {
    if (this.multi) {
      if (line === "}") {
        this.multi.into.set(this.multi.key, this.multi.lines.join("\n"));
        this.multi = undefined;
      } else this.multi.lines.push(line);
      return;
    }
    if (this.pending) {
      const { into, key } = this.pending;
      this.pending = undefined;
      if (line === "{") {
        this.multi = { into, key, lines: [] };
        return;
      }
      into.set(key, "");
    }
    if (this.phase === "preamble") {
      if (line.startsWith("Listing archive: ")) this.phase = "archive";
    } else if (this.phase === "archive") this.archiveLine(line);
    else this.recordLine(line);
  }

  /** The listing so far as complete: a multi-line value never closed is the empty value, and its lines are lines of the listing. */
  finish(): Listing {
    // Replaying may open another value that never closes: each round consumes at least its "{".
    while (this.multi) {
      const { into, key, lines } = this.multi;
      this.multi = undefined;
      into.set(key, "");
      for (const l of ["{", ...lines]) this.line(l);
    }
    if (this.pending) {
      this.pending.into.set(this.pending.key, "");
      this.pending = undefined;
    }
    this.endRecord();
    return { archive: this.archive, errors: this.errors, warnings: this.warnings, opened: this.opened, entries: this.entries };
  }

  /** Archive block: from "--" to "----------"; messages sit under "ERRORS:"/"WARNINGS:" headings. */
  private archiveLine(line: string): void {
    if (line === "----------") {
      this.opened = true;
      this.phase = "records";
      this.heading = undefined;
      return;
    }
    if (line === "--" || line === "" || /^(Errors|Warnings): \d+$/.test(line)) return;
    if (line === "ERRORS:" || line === "ERROR:") this.heading = this.errors;
    else if (line === "WARNINGS:" || line === "WARNING:") this.heading = this.warnings;
    else {
      const kv = splitField(line);
      if (kv) this.setField(this.archive, kv);
      else (this.heading ?? this.errors).push(line);
    }
  }

  private recordLine(line: string): void {
    if (line === "") {
      this.endRecord();
      return;
    }
    const kv = splitField(line);
    const record = this.record;
    if (record === undefined) {
      if (kv && kv[0] === "Path") {
        this.record = new Map([kv]);
        return;
      }
      // After the records: summary lines ("Errors: 1", "Warnings: 1", "ERRORS:" + messages).
      if (/^(Errors|Warnings): \d+$/.test(line)) return;
      if (line === "ERRORS:" || line === "WARNINGS:") {
        this.heading = line === "ERRORS:" ? this.errors : this.warnings;
        return;
      }
      (this.heading ?? this.errors).push(line);
      return;
    }
    if (!kv || record.has(kv[0])) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `${this.archiveName}: unexpected line in 7-Zip's listing of entry ${this.entries.length}`, {
        archive: this.archiveName,
        entry: record.get("Path"),
        line: line.slice(0, 200),
      });
    }
    this.setField(record, kv);
  }

  private endRecord(): void {
    if (this.record) this.entries.push(toEntry(this.record, this.entries.length, this.archiveName));
    this.record = undefined;
  }

  /** An empty value may be a multi-line one (an empty value, then "{", its lines, "}"): decided by the next line. */
  private setField(into: Map<string, string>, [key, value]: [string, string]): void {
    if (value === "") this.pending = { into, key };
    else into.set(key, value);
  }
}

function splitField(line: string): [string, string] | undefined {
  const at = line.indexOf(" = ");
  if (at > 0) return [line.slice(0, at), line.slice(at + 3)];
  // "CRC = " with nothing after the "=" is printed as "CRC = " (trailing space kept) or "CRC =".
  if (line.endsWith(" =")) return [line.slice(0, -2), ""];
  return undefined;
}

function toEntry(r: Map<string, string>, index: number, archiveName: string): ListedEntry {
  const path = r.get("Path")!;
  const attributes = r.get("Attributes") ?? "";
  const sizeText = r.get("Size") ?? "";
  const size = /^\d+$/.test(sizeText) ? Number(sizeText) : undefined;
  if (sizeText !== "" && size === undefined) {
    throw new ArchiveError("ARCHIVE_CORRUPT", `${archiveName}: 7-Zip lists size "${sizeText}" for ${path}`, { archive: archiveName, entry: path });
  }
  const method = r.get("Method") || undefined;
  const info = method === undefined ? { encrypted: false } : parseMethod(method);
  const crcText = r.get("CRC") ?? "";
  const blockText = r.get("Block") ?? "";
  const entry: ListedEntry = {
    index,
    path,
    kind: kindOf(r, attributes),
    size,
    encrypted: r.get("Encrypted") === "+" || info.encrypted,
  };
  if (method !== undefined) entry.method = method;
  if (info.dictionaryBytes !== undefined) entry.dictionaryBytes = info.dictionaryBytes;
  if (/^[0-9A-Fa-f]{8}$/.test(crcText)) entry.crc = Number.parseInt(crcText, 16) >>> 0;
  if (/^\d+$/.test(blockText)) entry.block = Number(blockText);
  if (entry.kind === "symlink" || r.get("Hard Link") || r.get("Copy Link")) entry.link = true;
  return entry;
}

function kindOf(r: Map<string, string>, attributes: string): SevenZipEntryKind {
  const unix = UNIX_MODE.exec(attributes.trimEnd())?.[1];
  const winLetters = attributes.split(" ")[0] ?? "";
  if (r.get("Folder") === "+" || unix === "d" || winLetters.includes("D")) return "directory";
  if (r.get("Alternate Stream") === "+" || r.get("Anti") === "+") return "other";
  if (r.get("Hard Link") || r.get("Copy Link")) return "other";
  if (unix === "l" || r.get("Symbolic Link")) return "symlink";
  if (unix !== undefined && unix !== "-") return "other";
  return "file";
}
