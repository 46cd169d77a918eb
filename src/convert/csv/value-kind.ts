/**
 * A coarse classification of a text value, for header detection only (the real type inference
 * lives in src/convert/infer and works on bytes): is it a number, a date or timestamp, a boolean,
 * or just text. Generous on purpose: decimal commas, thousands separators and the common day/month
 * orders all count, because the question is only "does this look like data or like a name".
 */

export type ValueKind = "empty" | "number" | "temporal" | "boolean" | "text";

const NUMBER = /^[-+]?(\d+([.,]\d+)?|\d{1,3}([,. '\u00a0]\d{3})+([.,]\d+)?|[.,]\d+)([eE][-+]?\d+)?%?$/;
const DATE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s?(Z|[+-]\d{2}(:?\d{2})?|UTC)?$/i;
const BOOLEAN = /^(true|false|yes|no)$/i;

export function valueKind(raw: string): ValueKind {
  const v = raw.trim();
  if (v === "") return "empty";
  const c = v.charCodeAt(0);
  // Cheap gate: every number, date and timestamp starts with a digit, a sign or a separator.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x2c) {
    if (NUMBER.test(v)) return "number";
    if (DATE.test(v) || TIMESTAMP.test(v)) return "temporal";
    return "text";
  }
  return BOOLEAN.test(v) ? "boolean" : "text";
}
