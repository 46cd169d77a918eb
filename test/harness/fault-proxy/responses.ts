// Responses the proxy makes up itself instead of relaying them.

import type { StatusFault } from "./faults";
import type { RequestHead } from "./http1";

// S3's own code and message for the statuses tests usually inject, so SDK
// error classification (throttling vs. server error) sees what it would in production.
const S3_ERRORS: Readonly<Record<number, readonly [code: string, message: string]>> = {
  400: ["BadRequest", "Bad Request"],
  403: ["AccessDenied", "Access Denied"],
  404: ["NoSuchKey", "The specified key does not exist."],
  500: ["InternalError", "We encountered an internal error. Please try again."],
  501: ["NotImplemented", "A header you provided implies functionality that is not implemented."],
  503: ["SlowDown", "Please reduce your request rate."],
};

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

let requestIds = 0;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function serialize(status: number, headers: Record<string, string>, body: Buffer): Buffer {
  const head =
    `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? "Injected"}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("") +
    "\r\n";
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/** The complete S3-style error response for a status fault. */
export function s3ErrorResponse(request: RequestHead, fault: StatusFault, keepAlive: boolean): Buffer {
  const status = fault.status ?? 503;
  const [code, message] = S3_ERRORS[status] ?? ["InjectedFault", "Injected by the fault proxy."];
  const requestId = `FAULTPROXY${++requestIds}`;
  const body = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${escapeXml(fault.code ?? code)}</Code>` +
      `<Message>${escapeXml(fault.message ?? message)}</Message>` +
      `<Resource>${escapeXml(request.path)}</Resource><RequestId>${requestId}</RequestId></Error>`,
  );
  // HEAD answers carry no body, but still announce what a GET would get.
  const headers = {
    "Content-Type": "application/xml",
    "Content-Length": String(body.length),
    "x-amz-request-id": requestId,
    Date: new Date().toUTCString(),
    Connection: keepAlive ? "keep-alive" : "close",
    ...fault.headers,
  };
  return serialize(status, headers, request.method === "HEAD" ? Buffer.alloc(0) : body);
}

export function badGatewayResponse(): Buffer {
  const body = Buffer.from("fault-proxy: upstream unreachable\n");
  return serialize(502, { "Content-Type": "text/plain", "Content-Length": String(body.length), Connection: "close" }, body);
}
