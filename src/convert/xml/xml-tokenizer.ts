/**
 * Push tokenizer for XML bytes: the caller pushes chunks of any size, split at any byte, and the
 * sink (xml-scanner.ts XmlSink) receives start tags, end tags and character data as byte ranges.
 *
 * Chunk boundaries: each chunk is scanned in place; only the token cut by its end (a tag, a text
 * run, a comment...) is kept, in the carry-over. The next chunk is appended to the carry-over and
 * scanned from there, but only once it holds the byte that can end that token (`>` for markup, `<`
 * for text), so a long token is not rescanned for every chunk. Since the scanner acts only on
 * complete tokens, events, line numbers and errors do not depend on the split. Memory is bounded
 * by the largest token (MAX_TOKEN_BYTES, 16 MiB, XML_RECORD_TOO_LARGE above) plus one chunk.
 *
 * The start of the file: the first SNIFF_BYTES bytes are held until the encoding is known (UTF-8
 * BOM skipped, UTF-16/32 refused: xml-encoding.ts); an ISO-8859-1 declaration makes the tokenizer
 * transcode every later byte to UTF-8 before scanning.
 *
 * After an error (or an exception from the sink) the tokenizer must not be used again.
 */

import { latin1ToUtf8, SNIFF_BYTES, sniffStart } from "./xml-encoding.ts";
import { XmlScanner, type XmlSink } from "./xml-scanner.ts";

export const MAX_TOKEN_BYTES = 16 * 1024 * 1024;
const LT = 0x3c;
const GT = 0x3e;

export interface XmlTokenizerOptions {
  /** Largest single token (tag, text run, comment, CDATA section). Default 16 MiB. */
  maxTokenBytes?: number;
}

export class XmlTokenizer {
  private readonly scanner: XmlScanner;
  private readonly maxTokenBytes: number;
  /** The incomplete token carried over: carry[0, carryLen), at absolute offset `consumed`. */
  private carry = new Uint8Array(0);
  private carryLen = 0;
  /** Absolute offset (in the UTF-8 the scanner sees) of the first byte not yet consumed. */
  private consumed = 0;
  private head: Uint8Array | null = null;
  private started = false;
  private latin1 = false;
  private ended = false;
  /** Bytes pushed so far, as they came. */
  bytesIn = 0;

  constructor(sink: XmlSink, options: XmlTokenizerOptions = {}) {
    this.scanner = new XmlScanner(sink);
    this.maxTokenBytes = options.maxTokenBytes ?? MAX_TOKEN_BYTES;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error("XmlTokenizer.push after end()");
    this.bytesIn += chunk.length;
    let data: Uint8Array | null = chunk;
    if (!this.started && (data = this.start(chunk, false)) === null) return;
    this.feed(this.latin1 ? latin1ToUtf8(data) : data, false);
  }

  /** The end of the input: the last token is completed (or XML_TRUNCATED), every element must be closed. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const data = this.started ? new Uint8Array(0) : this.start(new Uint8Array(0), true)!;
    this.feed(data, true);
    this.scanner.finish(this.consumed);
    this.carry = new Uint8Array(0);
  }

  /** The line the scanner has reached (1-based). */
  get line(): number {
    return this.scanner.line;
  }

  private feed(data: Uint8Array, final: boolean): void {
    let buf = data;
    let len = data.length;
    if (this.carryLen > 0) {
      const more = this.carry[0] === LT ? data.indexOf(GT) >= 0 : data.indexOf(LT) >= 0;
      this.append(data, 0, data.length);
      if (!more && !final) return;
      buf = this.carry;
      len = this.carryLen;
    }
    for (;;) {
      this.scanner.base = this.consumed;
      const p = this.scanner.scan(buf, 0, len, final);
      this.consumed += p;
      if (this.scanner.switchToLatin1) {
        this.scanner.switchToLatin1 = false;
        this.latin1 = true;
        buf = latin1ToUtf8(buf.subarray(p, len));
        len = buf.length;
        this.carryLen = 0;
        continue;
      }
      this.keep(buf, p, len);
      return;
    }
  }

  /** Keeps buf[p, len) (an incomplete token) as the carry-over. */
  private keep(buf: Uint8Array, p: number, len: number): void {
    if (buf === this.carry) {
      this.carry.copyWithin(0, p, len);
      this.carryLen = len - p;
    } else {
      this.carryLen = 0;
      this.append(buf, p, len);
    }
    if (this.carryLen === 0 && this.carry.length > 4 * 1024 * 1024) this.carry = new Uint8Array(0);
  }

  private append(data: Uint8Array, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need > this.maxTokenBytes) {
      this.scanner.tokStart = 0;
      this.scanner.base = this.consumed;
      this.scanner.failAtToken("XML_RECORD_TOO_LARGE", `a single tag, text, comment or CDATA section is larger than ${this.maxTokenBytes} bytes; it starts`);
    }
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2, 4096));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(data.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }

  /** Holds the first bytes until the encoding is decided; returns the data to scan, or null to wait. */
  private start(chunk: Uint8Array, final: boolean): Uint8Array | null {
    let data = chunk;
    if (this.head !== null) {
      data = new Uint8Array(this.head.length + chunk.length);
      data.set(this.head);
      data.set(chunk, this.head.length);
      this.head = null;
    }
    if (data.length < SNIFF_BYTES && !final) {
      this.head = data.slice();
      return null;
    }
    this.started = true;
    const skip = sniffStart(data);
    this.scanner.utf8Bom = skip === 3;
    return data.subarray(skip);
  }
}
