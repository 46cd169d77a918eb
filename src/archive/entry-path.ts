/**
 * Entry path rules: turns the name an archive gives an entry into a relative, "/"-separated path that
 * cannot leave the archive's folder in S3, or refuses it with a stable reason.
 *
 * Rules, in the order they are checked:
 *  1. bytes must be valid UTF-8 (a string must be well-formed UTF-16); legacy encodings such as CP437
 *     are the caller's job to decode first ............................................ INVALID_UTF8
 *  2. no NUL (a classic truncation trick: "a.txt\0.exe") ................................. NUL
 *  3. no control characters: C0, DEL and C1 (U+0080..U+009F). S3 listings are XML and cannot carry
 *     most of them; no legitimate encoder produces them in a name ........................ CONTROL_CHAR
 *  4. "\" is a separator (Windows archivers write it; 7-Zip and unzip treat it so)
 *  5. two leading separators = UNC or device path (\\srv\share, \\?\C:\, //srv) ........ UNC_PATH
 *  6. one leading separator = absolute (/etc/passwd) ..................................... ABSOLUTE
 *  7. first segment "X:" = drive letter (C:\x, C:x, ./C:/x) .............................. DRIVE_LETTER
 *  8. empty and "." segments are dropped ("./a//b/." → "a/b"); a trailing "/" goes with them
 *  9. any ".." segment is refused, even one that would stay inside (a/../b) .............. DOT_DOT
 * 10. nothing left ....................................................................... EMPTY
 * 11. keyPrefix + path must fit in an S3 key (1,024 UTF-8 bytes, the same rule as loose files) TOO_LONG
 *
 * Why refuse every "..": resolving them is where traversal bugs live (a/b/../../../x, "..\\" after
 * separator conversion, segments re-joined later...). No honest archiver writes ".." into a name, so
 * refusing it costs nothing and leaves no resolution logic to get wrong. A refused entry is the
 * caller's to skip (with a warning) or to fail the archive on; nothing here throws.
 */
import { MAX_KEY_BYTES } from "../pipeline/object-naming.ts";

export type EntryPathReason =
  | "INVALID_UTF8"
  | "NUL"
  | "CONTROL_CHAR"
  | "UNC_PATH"
  | "ABSOLUTE"
  | "DRIVE_LETTER"
  | "DOT_DOT"
  | "EMPTY"
  | "TOO_LONG";

export type EntryPathResult =
  | { ok: true; path: string }
  | { ok: false; reason: EntryPathReason; message: string; shown: string };

export interface EntryPathOptions {
  /** Everything the final S3 key puts before the entry path: DSP_S3_PREFIX + archive folder + "/". */
  keyPrefix?: string;
  /** Defaults to S3's 1,024 bytes; tests use smaller values. */
  maxKeyBytes?: number;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
// C0 (includes NUL, tested first for its own reason), DEL, C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DRIVE = /^[A-Za-z]:/;

export function safeEntryPath(raw: string | Uint8Array, options: EntryPathOptions = {}): EntryPathResult {
  let name: string;
  if (typeof raw === "string") {
    if (!raw.isWellFormed()) return refuse("INVALID_UTF8", "the name is not valid Unicode (lone surrogate)", raw);
    name = raw;
  } else {
    try {
      name = strictUtf8.decode(raw);
    } catch {
      return refuse("INVALID_UTF8", "the name is not valid UTF-8 (decode legacy encodings before this check)", lossyUtf8.decode(raw));
    }
  }
  if (name.includes("\u0000")) return refuse("NUL", "the name contains a NUL byte", name);
  if (CONTROL.test(name)) return refuse("CONTROL_CHAR", "the name contains control characters", name);

  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("//")) return refuse("UNC_PATH", "the name is a UNC or device path", name);
  if (slashed.startsWith("/")) return refuse("ABSOLUTE", "the name is an absolute path", name);

  const segments: string[] = [];
  for (const seg of slashed.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") return refuse("DOT_DOT", 'the name contains a ".." segment', name);
    if (segments.length === 0 && DRIVE.test(seg)) return refuse("DRIVE_LETTER", "the name starts with a drive letter", name);
    segments.push(seg);
  }
  if (segments.length === 0) return refuse("EMPTY", "the name is empty once normalised", name);

  const path = segments.join("/");
  const max = options.maxKeyBytes ?? MAX_KEY_BYTES;
  const bytes = Buffer.byteLength((options.keyPrefix ?? "") + path, "utf8");
  if (bytes > max) return refuse("TOO_LONG", `the S3 key would be ${bytes} bytes long; S3 allows ${max}`, name);
  return { ok: true, path };
}

/** A refusal, with the name rendered for logs: control characters escaped, at most 200 chars. */
function refuse(reason: EntryPathReason, message: string, name: string): EntryPathResult {
  let shown = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (shown.length > 200) shown = `${shown.slice(0, 200)}…`;
  return { ok: false, reason, message, shown };
}
