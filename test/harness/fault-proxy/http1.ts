// Just enough HTTP/1.1 to find message boundaries and route faults.
//
// Heads are parsed only to *read* them; the proxy always forwards the bytes it
// received, so header order, case, duplicates and Host stay exactly as the client
// signed them (SigV4 covers Host and x-amz-*).

import type { SocketReader } from "./socket-io";
import { ConnectionClosedError } from "./socket-io";

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;

export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  // A response without length or chunking ends when the server closes.
  | { kind: "until-close" };

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

export interface RequestHead {
  readonly method: string;
  /** Request target as sent, e.g. "/bucket/key?partNumber=1&uploadId=x". */
  readonly target: string;
  /** Target without the query string, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderList;
  readonly framing: BodyFraming;
  readonly keepAlive: boolean;
  readonly expectsContinue: boolean;
}

export interface ResponseHead {
  readonly status: number;
  readonly headers: HeaderList;
  readonly keepAlive: boolean;
}

/** Value of a header (repeated headers joined with ", "), or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(", ");
}

function hasToken(value: string | undefined, token: string): boolean {
  return value !== undefined && value.toLowerCase().split(",").some((t) => t.trim() === token);
}

function splitHead(head: Buffer): { startLine: string; headers: Array<[string, string]> } {
  // latin1 maps bytes 1:1, so odd header bytes survive parsing without errors.
  const lines = head.toString("latin1").split("\r\n");
  const startLine = lines[0] ?? "";
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`malformed header line: ${JSON.stringify(line)}`);
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers };
}

function lengthFraming(headers: HeaderList): BodyFraming | undefined {
  if (hasToken(headerValue(headers, "transfer-encoding"), "chunked")) return { kind: "chunked" };
  const contentLength = headerValue(headers, "content-length");
  if (contentLength === undefined) return undefined;
  const length = Number(contentLength);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new Error(`bad Content-Length: ${contentLength}`);
  }
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}

export function parseRequestHead(head: Buffer): RequestHead {
  const { startLine, headers } = splitHead(head);
  const [method, target, version] = startLine.split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.")) {
    throw new Error(`malformed request line: ${JSON.stringify(startLine)}`);
  }
  const q = target.indexOf("?");
  const connection = headerValue(headers, "connection");
  return {
    method,
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : target.slice(q + 1)),
    headers,
    // A request without length information has no body (RFC 9112 §6.3).
    framing: lengthFraming(headers) ?? { kind: "none" },
    keepAlive: version === "HTTP/1.1" ? !hasToken(connection, "close") : hasToken(connection, "keep-alive"),
    expectsContinue: hasToken(headerValue(headers, "expect"), "100-continue"),
  };
}

export function parseResponseHead(head: Buffer): ResponseHead {
  const { startLine, headers } = splitHead(head);
  const match = /^HTTP\/1\.(\d) (\d{3})/.exec(startLine);
  if (!match) throw new Error(`malformed status line: ${JSON.stringify(startLine)}`);
  const connection = headerValue(headers, "connection");
  return {
    status: Number(match[2]),
    headers,
    keepAlive: match[1] === "1" ? !hasToken(connection, "close") : hasToken(connection, "keep-alive"),
  };
}

/** 1xx responses (100 Continue) precede the real one on the same exchange. */
export function isInterim(response: ResponseHead): boolean {
  return response.status >= 100 && response.status < 200 && response.status !== 101;
}

export function responseFraming(request: RequestHead, response: ResponseHead): BodyFraming {
  if (request.method === "HEAD" || response.status === 204 || response.status === 304) {
    return { kind: "none" };
  }
  return lengthFraming(response.headers) ?? { kind: "until-close" };
}

/**
 * Receives raw body bytes in order. Returning false stops the transfer early
 * (a fault cut the message); the reader is then left mid-message.
 */
export type BodySink = (chunk: Buffer) => Promise<boolean>;

/**
 * Moves one message body from `reader` to `sink` without buffering it whole.
 * Chunked bodies are forwarded verbatim, framing included; they are parsed only
 * to find where they end. Returns false if the sink stopped early.
 */
export async function pipeBody(reader: SocketReader, framing: BodyFraming, sink: BodySink): Promise<boolean> {
  switch (framing.kind) {
    case "none":
      return true;
    case "length":
      return pipeExactly(reader, framing.length, sink);
    case "until-close":
      for (let chunk = await reader.read(); chunk !== null; chunk = await reader.read()) {
        if (!(await sink(chunk))) return false;
      }
      return true;
    case "chunked":
      return pipeChunked(reader, sink);
  }
}

async function pipeExactly(reader: SocketReader, length: number, sink: BodySink): Promise<boolean> {
  let remaining = length;
  while (remaining > 0) {
    const chunk = await reader.read(remaining);
    if (chunk === null) throw new ConnectionClosedError(`with ${remaining} body bytes missing`);
    remaining -= chunk.length;
    if (!(await sink(chunk))) return false;
  }
  return true;
}

async function readLine(reader: SocketReader): Promise<Buffer> {
  const line = await reader.readUntil("\r\n", MAX_LINE_BYTES);
  if (line === null) throw new ConnectionClosedError("inside a chunked body");
  return line;
}

async function pipeChunked(reader: SocketReader, sink: BodySink): Promise<boolean> {
  for (;;) {
    const sizeLine = await readLine(reader);
    if (!(await sink(sizeLine))) return false;
    const sizeText = sizeLine.toString("latin1").split(";")[0]?.trim() ?? "";
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || !Number.isSafeInteger(size)) {
      throw new Error(`bad chunk size line: ${JSON.stringify(sizeText)}`);
    }
    if (size === 0) break;
    // chunk data plus its trailing CRLF
    if (!(await pipeExactly(reader, size + 2, sink))) return false;
  }
  // optional trailer fields, then the empty line that ends the message
  for (;;) {
    const line = await readLine(reader);
    if (!(await sink(line))) return false;
    if (line.length === 2) return true;
  }
}

export async function readHead(reader: SocketReader): Promise<Buffer | null> {
  return reader.readUntil("\r\n\r\n", MAX_HEAD_BYTES);
}

/** Byte length of a body when it is known from the head alone. */
export function knownBodyLength(framing: BodyFraming): number | undefined {
  if (framing.kind === "none") return 0;
  if (framing.kind === "length") return framing.length;
  return undefined;
}
