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

export function parseListing(stdout: string, archiveName: string): Listing {
  const lines = stdout.split(/\r?\n/);
  const archive = new Map<string, string>();
  const errors: string[] = [];
  const warnings: string[] = [];
  const entries: ListedEntry[] = [];
  let i = lines.findIndex((l) => l.startsWith("Listing archive: "));
  if (i < 0) return { archive, errors, warnings, opened: false, entries };

  // Archive block: from "--" to "----------"; messages sit under "ERRORS:"/"WARNINGS:" headings.
  let heading: string[] | undefined;
  let opened = false;
  for (i += 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "----------") {
      opened = true;
      i += 1;
      break;
    }
    if (line === "--" || line === "" || /^(Errors|Warnings): \d+$/.test(line)) continue;
    if (line === "ERRORS:" || line === "ERROR:") heading = errors;
    else if (line === "WARNINGS:" || line === "WARNING:") heading = warnings;
    else {
      const kv = splitField(line);
      if (kv) i = setField(archive, kv, lines, i);
      else (heading ?? errors).push(line);
    }
  }
  if (!opened) return { archive, errors, warnings, opened, entries };

  heading = undefined;
  let record: Map<string, string> | undefined;
  const finish = () => {
    if (record) entries.push(toEntry(record, entries.length, archiveName));
    record = undefined;
  };
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      finish();
      continue;
    }
    const kv = splitField(line);
    if (record === undefined) {
      if (kv && kv[0] === "Path") {
        record = new Map([kv]);
        continue;
      }
      // After the records: summary lines ("Errors: 1", "Warnings: 1", "ERRORS:" + messages).
      if (/^(Errors|Warnings): \d+$/.test(line)) continue;
      if (line === "ERRORS:" || line === "WARNINGS:") {
        heading = line === "ERRORS:" ? errors : warnings;
        continue;
      }
      (heading ?? errors).push(line);
      continue;
    }
    if (!kv || record.has(kv[0])) {
      throw new ArchiveError("ARCHIVE_CORRUPT", `${archiveName}: unexpected line in 7-Zip's listing of entry ${entries.length}`, {
        archive: archiveName,
        entry: record.get("Path"),
        line: line.slice(0, 200),
      });
    }
    i = setField(record, kv, lines, i);
  }
  finish();
  return { archive, errors, warnings, opened, entries };
}

/**
 * Stores the field of lines[at] and returns the index of its last line: `at`, or for a multi-line
 * value (an empty value, then "{", its lines, "}") the line "}". Without a closing "}" the value is
 * the empty one and the following lines stay lines of the listing.
 */
function setField(into: Map<string, string>, [key, value]: [string, string], lines: string[], at: number): number {
  const end = value === "" && lines[at + 1] === "{" ? lines.indexOf("}", at + 2) : -1;
  into.set(key, end > 0 ? lines.slice(at + 2, end).join("\n") : value);
  return end > 0 ? end : at;
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
