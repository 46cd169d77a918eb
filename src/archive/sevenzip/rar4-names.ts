/**
 * The name of a RAR 4 file header (RAR 2.9 format), as text.
 *
 * Three forms (RAR TECHNOTE, and rar's own writers):
 *  - no UNICODE flag (0x0200): the bytes in the archiver's code page. rar on Unix writes the
 *    locale's encoding, nearly always UTF-8, so the bytes are read as UTF-8;
 *  - the flag and no zero byte in the field: UTF-8 (rar 3.x+ on Unix);
 *  - the flag and a zero byte: a plain (OEM) name, the zero, then the Unicode name encoded against
 *    the plain one (rar on Windows). The encoding: a "high byte" first, then groups of four
 *    operations whose 2-bit codes come in a flags byte, high bits first:
 *      0: one byte, the code unit's low byte (high byte 0);
 *      1: one byte, low byte, with the high byte given first;
 *      2: two bytes, the whole code unit, little-endian;
 *      3: a length byte L; if L & 0x80, a correction byte C follows and (L & 0x7f) + 2 code units
 *         are the plain name's bytes at the same positions plus C (mod 256), with the high byte;
 *         else L + 2 code units are the plain name's bytes as they are.
 *    The result is UTF-16 (surrogate pairs included); it ends at the encoded data's end.
 *
 * Invariants: never throws and never reads outside the field; a truncated or lying encoding ends
 * the name where the data ends (7-Zip, which lists the archive, judges it anyway). Runs copy only
 * up to the plain name's end, so a name has at most as many code units as the field has bytes.
 */

const UNICODE_NAME = 0x0200;
const utf8 = new TextDecoder("utf-8");

/** The name of a RAR 4 file header: its name field and the header's flags. */
export function rar4Name(field: Uint8Array, flags: number): string {
  if ((flags & UNICODE_NAME) === 0) return utf8.decode(field);
  const zero = field.indexOf(0);
  if (zero < 0) return utf8.decode(field);
  return decodeEncodedName(field.subarray(0, zero), field.subarray(zero + 1));
}

/** The Unicode name encoded in `enc` against the plain name `plain` (the third form above). */
export function decodeEncodedName(plain: Uint8Array, enc: Uint8Array): string {
  if (enc.length === 0) return utf8.decode(plain);
  const units: number[] = [];
  const high = enc[0]! << 8;
  let at = 1;
  let ops = 0;
  let opsLeft = 0;
  while (at < enc.length) {
    if (opsLeft === 0) {
      ops = enc[at++]!;
      opsLeft = 4;
      if (at >= enc.length) break;
    }
    const op = ops >> 6;
    ops = (ops << 2) & 0xff;
    opsLeft--;
    if (op === 0) units.push(enc[at++]!);
    else if (op === 1) units.push(enc[at++]! | high);
    else if (op === 2) {
      if (at + 1 >= enc.length) break;
      units.push(enc[at]! | (enc[at + 1]! << 8));
      at += 2;
    } else {
      let length = enc[at++]!;
      if (length & 0x80) {
        if (at >= enc.length) break;
        const correction = enc[at++]!;
        for (length = (length & 0x7f) + 2; length > 0 && units.length < plain.length; length--) {
          units.push(((plain[units.length]! + correction) & 0xff) | high);
        }
      } else {
        for (length += 2; length > 0 && units.length < plain.length; length--) units.push(plain[units.length]!);
      }
    }
  }
  let out = "";
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}
