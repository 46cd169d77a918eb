/**
 * IBM code page 437, the encoding the ZIP specification (APPNOTE 4.4.4) gives names without the
 * UTF-8 flag: DOS-era tools, Windows' built-in zipper before Windows 10 and many exporters still
 * write it. Bytes 0x00-0x7F are ASCII (control codes stay control codes, as in Python's "cp437"
 * codec, so the path rules downstream see and reject them); 0x80-0xFF map through the table below.
 *
 * Invariant: every byte string decodes (CP437 has no invalid bytes), so a legacy name never fails
 * here; its bytes are kept in `rawName` for anyone who knows the archive used another code page.
 */

// 128 characters for 0x80..0xFF, 16 per row; the last one is U+00A0 NO-BREAK SPACE.
const HIGH_HALF =
  "ÇüéâäàåçêëèïîìÄÅ" + // 0x80
  "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ" + // 0x90
  "áíóúñÑªº¿⌐¬½¼¡«»" + // 0xA0
  "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐" + // 0xB0
  "└┴┬├─┼╞╟╚╔╩╦╠═╬╧" + // 0xC0
  "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" + // 0xD0
  "αßΓπΣσµτΦΘΩδ∞φε∩" + // 0xE0
  "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0"; // 0xF0

const TABLE: readonly number[] = Array.from({ length: 256 }, (_, b) => (b < 0x80 ? b : HIGH_HALF.charCodeAt(b - 0x80)));

if (HIGH_HALF.length !== 128) throw new Error("cp437: the table must have 128 characters");

/** Decodes CP437 bytes; every code point is in the BMP, so one UTF-16 unit per byte. */
export function decodeCp437(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(TABLE[bytes[i]!]!);
  return out;
}
