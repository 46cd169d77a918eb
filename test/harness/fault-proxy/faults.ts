// What a test can ask the proxy to do to a request, and which requests it hits.

import type { RequestHead } from "./http1";

/**
 * Selects requests. Every given criterion must hold; an empty match hits all.
 * `path` is tested against the percent-encoded path without the query
 * (path-style S3: "/bucket/key").
 */
export interface RequestMatch {
  method?: string | readonly string[];
  path?: RegExp | string;
  /**
   * Names that must be present (["partNumber"], ["uploads"]), or name -> value
   * (`true` = present with any value, `false` = absent).
   */
  query?: readonly string[] | Readonly<Record<string, string | RegExp | boolean>>;
}

interface FaultBase {
  /** How many matching requests this fault hits (default 1; Infinity allowed). */
  times?: number;
  match?: RequestMatch;
}

/** Answer without forwarding, with an S3-style XML error. */
export interface StatusFault extends FaultBase {
  kind: "status";
  /** Default 503. */
  status?: number;
  /** S3 error code; default derived from the status (503 -> SlowDown). */
  code?: string;
  message?: string;
  /** Extra response headers, e.g. { "Retry-After": "1" }. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Abort the client connection with a TCP RST. Without `afterBytes` this happens
 * as soon as the request head arrived (nothing reaches the server); with it, the
 * head and that many request-body bytes are forwarded first, then the upstream
 * connection is closed and the client's is reset.
 */
export interface ResetFault extends FaultBase {
  kind: "reset";
  afterBytes?: number;
}

/** Read the request, never answer, keep the socket open. */
export interface HangFault extends FaultBase {
  kind: "hang";
}

/** Forward, pacing each direction of the exchange to `bytesPerSecond`. */
export interface ThrottleFault extends FaultBase {
  kind: "throttle";
  bytesPerSecond: number;
}

/**
 * Cut a message short with a clean close (FIN).
 * - side "response" (default): the request goes through completely (so the
 *   server acts on it), the client receives the head and `bytes` body bytes
 *   (default: half the body). If the body is too short to cut (e.g. an empty
 *   PutObject answer) the head itself is cut in half, so the client always
 *   sees a broken response.
 * - side "request": the server receives the head and `bytes` body bytes
 *   (default: half the body) followed by end of stream; the client gets its
 *   connection closed without any response.
 */
export interface TruncateFault extends FaultBase {
  kind: "truncate";
  side?: "response" | "request";
  bytes?: number;
}

/**
 * Carry the request out late: take the whole request, hold it until `release`
 * settles, then send it upstream whatever became of the client (a store acting
 * on a request whose client died). Counted as applied once the request is held.
 */
export interface LateFault extends FaultBase {
  kind: "late";
  release: Promise<void>;
  /** The store's answer status once the request was carried out (0: it could not be). */
  onDelivered?: (status: number) => void;
}
export type Fault = StatusFault | ResetFault | HangFault | ThrottleFault | TruncateFault | LateFault;
export type FaultKind = Fault["kind"];
export const FAULT_KINDS: readonly FaultKind[] = ["status", "reset", "hang", "throttle", "truncate", "late"];

/** Matches for the S3 calls an uploader makes (path-style addressing). */
export const S3_OPERATIONS = {
  putObject: { method: "PUT", path: /^\/[^/]+\/.+/, query: { partNumber: false, uploadId: false } },
  getObject: { method: "GET", path: /^\/[^/]+\/.+/ },
  headObject: { method: "HEAD", path: /^\/[^/]+\/.+/ },
  createMultipartUpload: { method: "POST", query: ["uploads"] },
  uploadPart: { method: "PUT", query: ["partNumber", "uploadId"] },
  completeMultipartUpload: { method: "POST", query: ["uploadId"] },
  abortMultipartUpload: { method: "DELETE", query: ["uploadId"] },
} satisfies Record<string, RequestMatch>;

export function matches(match: RequestMatch | undefined, request: RequestHead): boolean {
  if (!match) return true;
  if (match.method !== undefined) {
    const methods = typeof match.method === "string" ? [match.method] : match.method;
    if (!methods.some((m) => m.toUpperCase() === request.method)) return false;
  }
  if (match.path !== undefined) {
    const ok = typeof match.path === "string" ? request.path === match.path : match.path.test(request.path);
    if (!ok) return false;
  }
  if (match.query !== undefined) {
    if (isNameList(match.query)) {
      if (!match.query.every((name) => request.query.has(name))) return false;
    } else {
      for (const [name, expected] of Object.entries(match.query)) {
        const actual = request.query.get(name);
        if (expected === false) {
          if (actual !== null) return false;
          continue;
        }
        if (actual === null) return false;
        if (typeof expected === "string" && actual !== expected) return false;
        if (expected instanceof RegExp && !expected.test(actual)) return false;
      }
    }
  }
  return true;
}

function isNameList(query: NonNullable<RequestMatch["query"]>): query is readonly string[] {
  return Array.isArray(query);
}

/**
 * FIFO of pending faults. A request takes the first fault that matches it, so
 * specific faults queued before general ones win.
 */
export class FaultQueue {
  private pending: Array<{ fault: Fault; remaining: number }> = [];

  add(fault: Fault): void {
    const remaining = fault.times ?? 1;
    if (!(remaining > 0)) throw new Error(`fault.times must be > 0, got ${remaining}`);
    if (fault.kind === "throttle" && !(fault.bytesPerSecond > 0)) {
      throw new Error(`throttle.bytesPerSecond must be > 0, got ${fault.bytesPerSecond}`);
    }
    this.pending.push({ fault, remaining });
  }

  clear(): void {
    this.pending = [];
  }

  /** The fault to apply to `request`, consuming one of its `times`. */
  take(request: RequestHead): Fault | null {
    const index = this.pending.findIndex((entry) => matches(entry.fault.match, request));
    const entry = this.pending[index];
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.splice(index, 1);
    return entry.fault;
  }

  get size(): number {
    return this.pending.length;
  }
}
