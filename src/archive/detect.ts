/**
 * What a file (or a decompressed stream) is, from its first bytes and its name together (FR-020).
 *
 * Rules:
 *  - Magic bytes win. A `.zip` that is really a PDF is a regular file ("none"); a `.csv` that is
 *    really gzip is gzip. `disagree` tells the caller to log a warning naming both.
 *  - Except documents that are ZIP (or gzip) containers by design: .docx, .xlsx, .jar, .epub, .apk,
 *    .svgz... are files users want uploaded as they are, not unpacked. They are "none", with the
 *    container noted, and no warning.
 *  - A name ending in .tar whose first block is all zeros is an empty tar (what `tar cf x.tar` writes
 *    with no files): it has no magic to find, and uploading it as a file would upload an archive.
 *  - Legacy .lzma (LZMA-alone, also .tlz and .tar.lzma) has no magic: a file so named is "lzma" when
 *    its 13-byte header is one xz itself accepts (properties byte below 225 with lc + lp ≤ 4, a
 *    dictionary of 2^n or 3 × 2^n bytes, a size unknown or below 2^38: isLzmaAloneHeader), else
 *    a regular file with the disagreement flagged. Without the name nothing is tried: 13 bytes
 *    that happen to pass would turn any file into a corrupt archive.
 *  - For a compressed tar the extension names the outer layer (.tar.gz and .tgz say "gzip"); detect
 *    again on the decompressed head, with innerNameFor(name), to find the tar.
 *
 * Give it HEAD_BYTES (512) bytes when the file has them: tar needs the whole first block.
 */
import { archiveNaming } from "./archive-naming.ts";
import { BLOCK, isZeroBlock } from "./tar/tar-header.ts";
import { magicFormat, rarVersion, type MagicFormat } from "./magic.ts";
import { isLzmaAloneHeader } from "./xz/lzma-alone.ts";

export { HEAD_BYTES } from "./magic.ts";

/** What magic bytes can say, and "lzma", which only a name and a plausible header can. */
export type ArchiveFormat = MagicFormat | "lzma";

export interface Detection {
  /** What to open the file as; "none" = not an archive (a regular file or a table). */
  format: ArchiveFormat | "none";
  /** True when magic bytes decided (a signature was found and is used). */
  byMagic: boolean;
  /** The format the name's extension claims, when it claims one. */
  extensionSaid?: ArchiveFormat;
  /** The format the magic bytes say, when a signature was found (even if not used). */
  magicSaid?: ArchiveFormat;
  /** Name and content disagree: log a warning. */
  disagree: boolean;
  /** For "rar": which generation. */
  rarVersion?: 4 | 5;
  /** Why the answer is not simply the magic's (document container, empty tar). */
  note?: string;
}

const SUFFIX_FORMAT: Record<string, ArchiveFormat> = {
  ".zip": "zip",
  ".tar": "tar",
  ".7z": "7z",
  ".rar": "rar",
  ".tar.gz": "gzip",
  ".tgz": "gzip",
  ".gz": "gzip",
  ".tar.bz2": "bzip2",
  ".tbz2": "bzip2",
  ".tbz": "bzip2",
  ".bz2": "bzip2",
  ".tar.xz": "xz",
  ".txz": "xz",
  ".xz": "xz",
  ".tar.lzma": "lzma",
  ".tlz": "lzma",
  ".lzma": "lzma",
};

/** Document formats whose content is an archive by design (uploaded as is). */
const CONTAINER_DOCUMENTS: Record<string, ArchiveFormat> = Object.fromEntries([
  ...[
    "docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm", "xlsb", "pptx", "pptm", "potx", "ppsx", "vsdx",
    "odt", "ods", "odp", "odg", "odf", "ott", "ots", "otp", "epub", "jar", "war", "ear", "apk", "aab", "ipa", "xpi",
    "whl", "nupkg", "vsix", "kmz", "3mf", "usdz", "sketch", "xps", "oxps", "appx", "msix",
  ].map((e) => [e, "zip" as const]),
  ...["svgz", "emz", "wmz"].map((e) => [e, "gzip" as const]),
]);

/** The archive format a name's extension claims, if any. */
export function extensionFormat(name: string): ArchiveFormat | undefined {
  const naming = archiveNaming(name);
  return naming === null ? undefined : SUFFIX_FORMAT[naming.suffix];
}

export function detectFormat(head: Uint8Array, name: string): Detection {
  const extensionSaid = extensionFormat(name);
  const magicSaid = magicFormat(head) ?? undefined;
  const base = name.slice(name.lastIndexOf("/") + 1);
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1).toLowerCase() : "";

  if (magicSaid !== undefined && CONTAINER_DOCUMENTS[ext] === magicSaid) {
    return { format: "none", byMagic: false, magicSaid, disagree: false, note: `.${ext} is a document stored as ${magicSaid}` };
  }
  if (magicSaid !== undefined) {
    const d: Detection = { format: magicSaid, byMagic: true, magicSaid, disagree: extensionSaid !== magicSaid };
    if (extensionSaid !== undefined) d.extensionSaid = extensionSaid;
    if (magicSaid === "rar") d.rarVersion = rarVersion(head)!;
    return d;
  }
  if (extensionSaid === "lzma" && isLzmaAloneHeader(head)) {
    return { format: "lzma", byMagic: false, extensionSaid, disagree: false, note: "LZMA-alone header (the format has no magic)" };
  }
  if (extensionSaid === "tar" && head.length >= BLOCK && isZeroBlock(head.subarray(0, BLOCK))) {
    return { format: "tar", byMagic: false, extensionSaid, disagree: false, note: "empty tar (starts with an end-of-archive block)" };
  }
  const d: Detection = { format: "none", byMagic: false, disagree: extensionSaid !== undefined };
  if (extensionSaid !== undefined) d.extensionSaid = extensionSaid;
  return d;
}
