/**
 * Parses one JSON object (a record) into staged cells, one per key: the value's kind and the byte
 * range of its text, with no JS object, string or number per value. The consumer reads the
 * staging right after parseRecord returns (record-stream.ts calls its sink), before the next
 * record overwrites it.
 *
 * Staging is indexed by key id (KeyIndex, order of first appearance): key `id` has a cell in the
 * current record iff stamp[id] === record. A cell's text is buf[starts[id], ends[id]) where buf is
 * `scratch` when inScratch[id] is 1 and `source` (the buffer parsed) otherwise:
 *   STRING   the decoded value (escapes resolved, into scratch) or, without escapes, the bytes
 *            between the quotes in the source
 *   NUMBER   the number's source text (so integers beyond 2^53 stay exact)
 *   BOOLEAN  `true` / `false`
 *   NESTED   the object's or array's JSON text, compacted into scratch when it had whitespace
 *            between tokens (json-text.ts)
 *   NULL     an empty range
 *
 * A key is found by guessing the key that followed the previous one in an earlier record (records
 * of an export repeat their key order, so the guess is one byte comparison loop), else by hash.
 * A key twice in one record is JSON_DUPLICATE_KEY: keeping either value would drop the other
 * (DuckDB refuses such records too).
 *
 * Invariants: a record is parsed from its first byte in one buffer; after NEED_MORE the staging
 * of that attempt is dead (the record number moves on), only new keys stay known, which is
 * harmless since the record is parsed again.
 */

import { JsonKind } from "./json-kinds.ts";
import { JsonSyntaxError } from "./json-error.ts";
import { JsonScanner } from "./json-scanner.ts";
import { compactJson, decodeString } from "./json-text.ts";
import { KeyIndex } from "./key-index.ts";

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const MINUS = 0x2d;

/** Distinct keys a file may have: each one is a column. */
export const DEFAULT_MAX_KEYS = 10_000;

export class RecordParser extends JsonScanner {
  readonly keys = new KeyIndex();
  /** The number of the record staged last (1-based). */
  record = 0;
  stamp = new Int32Array(16);
  kinds = new Uint8Array(16);
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  inScratch = new Uint8Array(16);
  /** The buffer the last record was parsed from. */
  source: Uint8Array = new Uint8Array(0);
  scratch = new Uint8Array(64 * 1024);
  private scratchLength = 0;
  private keyScratch = new Uint8Array(256);
  /** follows[id]: the key that came after key `id` the last time; `first`: a record's first key. */
  private follows = new Int32Array(16).fill(-1);
  private first = -1;

  constructor(private readonly maxKeys = DEFAULT_MAX_KEYS) {
    super();
  }

  /**
   * Parses the object whose `{` is at buf[pos]; returns the position after its `}`. The caller
   * has attached buf (attach(buf, end, final): the input is buf[0, end) and buf[end] is 0).
   */
  parseRecord(buf: Uint8Array, pos: number): number {
    const rec = ++this.record;
    this.source = buf;
    this.scratchLength = 0;
    let i = this.skipWs(buf, pos + 1);
    if (buf[i] === RBRACE) return i + 1;
    let prev = -1;
    for (;;) {
      if (buf[i] !== QUOTE) this.fail(i, "a key (a string in double quotes)");
      // Records repeat their key order: try the key that followed `prev` last time, byte for byte.
      const guess = prev < 0 ? this.first : this.follows[prev]!;
      let keyEnd = guess >= 0 ? this.keys.matchRaw(guess, buf, i + 1) : -1;
      let id = guess;
      if (keyEnd < 0) {
        keyEnd = this.scanString(buf, i + 1);
        id = this.keyId(buf, i + 1, keyEnd, prev);
      }
      if (this.stamp[id] === rec) {
        throw new JsonSyntaxError("JSON_DUPLICATE_KEY", `the key ${JSON.stringify(this.keys.name(id))} appears twice in one record`, i);
      }
      // Compact JSON has no whitespace around ':' and ',': test the byte before calling skipWs.
      i = keyEnd + 1;
      if (buf[i] !== COLON) {
        i = this.skipWs(buf, i);
        if (buf[i] !== COLON) this.fail(i, "':' after the key");
      }
      let c = buf[++i]!;
      if (c <= 0x20) c = buf[(i = this.skipWs(buf, i))]!;
      let kind: JsonKind;
      let start = i;
      let valueEnd: number;
      let scratched = 0;
      if (c === QUOTE) {
        start = i + 1;
        valueEnd = this.scanString(buf, start);
        i = valueEnd + 1;
        kind = JsonKind.STRING;
        if (this.escaped) {
          const at = this.reserve(valueEnd - start);
          const to = decodeString(buf, start, valueEnd, this.scratch, at);
          if (to < 0) throw new JsonSyntaxError("JSON_INVALID", "invalid string: a lone UTF-16 surrogate escape has no UTF-8 form", -1 - to);
          start = at;
          valueEnd = this.scratchLength = to;
          scratched = 1;
        }
      } else if (c === LBRACE || c === LBRACKET) {
        valueEnd = i = this.skipNested(buf, i);
        kind = JsonKind.NESTED;
        if (this.spaced) {
          const at = this.reserve(valueEnd - start);
          valueEnd = this.scratchLength = compactJson(buf, start, valueEnd, this.scratch, at);
          start = at;
          scratched = 1;
        }
      } else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
        valueEnd = i = this.scanNumber(buf, i);
        kind = JsonKind.NUMBER;
      } else if (c === 0x74 || c === 0x66) {
        valueEnd = i = this.scanLiteral(buf, i);
        kind = JsonKind.BOOLEAN;
      } else if (c === 0x6e) {
        i = this.scanLiteral(buf, i);
        valueEnd = start;
        kind = JsonKind.NULL;
      } else this.fail(i, "a value");
      this.stamp[id] = rec;
      this.kinds[id] = kind;
      this.starts[id] = start;
      this.ends[id] = valueEnd;
      this.inScratch[id] = scratched;
      prev = id;
      let d = buf[i]!;
      if (d <= 0x20) d = buf[(i = this.skipWs(buf, i))]!;
      if (d === COMMA) {
        if (buf[++i]! <= 0x20) i = this.skipWs(buf, i);
        continue;
      }
      if (d === RBRACE) return i + 1;
      this.fail(i, "',' or '}' after a value");
    }
  }

  /** Makes `key` (its UTF-8 bytes) known, with the next id if it is new; returns its id. */
  declareKey(key: Uint8Array): number {
    const id = this.keys.find(key, 0, key.length);
    return id >= 0 ? id : this.addKey(key, 0, key.length, 0);
  }

  /** The id of the key buf[start, end) (a string body; `escaped` from scanString), adding it if new. */
  private keyId(buf: Uint8Array, start: number, end: number, prev: number): number {
    let b = buf;
    let s = start;
    let e = end;
    if (this.escaped) {
      if (this.keyScratch.length < end - start) this.keyScratch = new Uint8Array(2 * (end - start));
      e = decodeString(buf, start, end, this.keyScratch, 0);
      if (e < 0) throw new JsonSyntaxError("JSON_INVALID", "invalid key: a lone UTF-16 surrogate escape has no UTF-8 form", -1 - e);
      b = this.keyScratch;
      s = 0;
    }
    let id = this.keys.find(b, s, e);
    if (id < 0) id = this.addKey(b, s, e, start - 1);
    if (prev < 0) this.first = id;
    else this.follows[prev] = id;
    return id;
  }

  private addKey(buf: Uint8Array, start: number, end: number, pos: number): number {
    if (this.keys.count >= this.maxKeys) {
      throw new JsonSyntaxError("JSON_TOO_MANY_KEYS", `more than ${this.maxKeys} distinct keys: too many columns for one table`, pos);
    }
    const id = this.keys.add(buf, start, end);
    if (id === this.stamp.length) {
      const n = 2 * id;
      this.stamp = grow(this.stamp, new Int32Array(n));
      this.kinds = grow(this.kinds, new Uint8Array(n));
      this.starts = grow(this.starts, new Int32Array(n));
      this.ends = grow(this.ends, new Int32Array(n));
      this.inScratch = grow(this.inScratch, new Uint8Array(n));
      this.follows = grow(this.follows, new Int32Array(n).fill(-1));
    }
    return id;
  }

  /** Makes room for `n` more scratch bytes; returns where they start. */
  private reserve(n: number): number {
    const need = this.scratchLength + n;
    if (need > this.scratch.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.scratch.length));
      grown.set(this.scratch.subarray(0, this.scratchLength));
      this.scratch = grown;
    }
    return this.scratchLength;
  }
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
