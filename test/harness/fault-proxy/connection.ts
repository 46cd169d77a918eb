// One client connection: reads requests one at a time (no pipelining), applies
// the fault each one draws, and relays the rest over a dedicated upstream
// connection that is reused for as long as both sides keep the exchange clean.

import net, { type Socket } from "node:net";
import type { Fault, FaultKind, StatusFault } from "./faults";
import {
  type BodySink,
  type RequestHead,
  isInterim,
  knownBodyLength,
  parseRequestHead,
  parseResponseHead,
  pipeBody,
  readHead,
  responseFraming,
} from "./http1";
import { SocketReader, endAndDrain, finish, writeTo } from "./socket-io";
import type { FaultProxyStats } from "./stats";
import { Throttle } from "./throttle";

export interface ConnectionContext {
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly stats: FaultProxyStats;
  /** Draws (and consumes) the fault for a request, or null to pass it through. */
  takeFault(request: RequestHead): Fault | null;
  applied(kind: FaultKind): void;
}

interface Upstream {
  readonly socket: Socket;
  readonly reader: SocketReader;
}

const DEFAULT_ERROR_CODES: Readonly<Record<number, [code: string, message: string]>> = {
  400: ["BadRequest", "Bad Request"],
  403: ["AccessDenied", "Access Denied"],
  404: ["NoSuchKey", "The specified key does not exist."],
  500: ["InternalError", "We encountered an internal error. Please try again."],
  501: ["NotImplemented", "A header you provided implies functionality that is not implemented."],
  503: ["SlowDown", "Please reduce your request rate."],
};

export class ProxyConnection {
  private readonly reader: SocketReader;
  private upstream: Upstream | null = null;
  private requestCounter = 0;

  constructor(
    private readonly client: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    client.setNoDelay(true);
    this.reader = new SocketReader(client);
  }

  /** Abrupt teardown of both sides (proxy down/stop). */
  destroy(): void {
    this.client.destroy();
    this.dropUpstream();
  }

  async run(): Promise<void> {
    try {
      while (await this.serveOne()) {
        // next request on the same keep-alive connection
      }
    } catch {
      // A peer failed mid-exchange; tearing everything down below is exactly
      // what the client should observe.
    } finally {
      this.destroy();
    }
  }

  /** Handles one request; true if the connection can carry another. */
  private async serveOne(): Promise<boolean> {
    const head = await readHead(this.reader);
    if (head === null) return false;
    const request = parseRequestHead(head);
    const fault = this.ctx.takeFault(request);
    switch (fault?.kind) {
      case "status":
        return this.answerWithError(request, fault);
      case "hang":
        this.ctx.applied("hang");
        // Keep reading so the client finishes sending and then waits for an answer that never comes.
        await this.reader.discardToEnd();
        return false;
      case "reset":
        if (fault.afterBytes === undefined) {
          this.ctx.applied("reset");
          this.client.resetAndDestroy();
          return false;
        }
        return this.forward(request, head, fault);
      default:
        return this.forward(request, head, fault);
    }
  }

  private async answerWithError(request: RequestHead, fault: StatusFault): Promise<boolean> {
    // A client waiting for "100 Continue" will not send its body until told to;
    // answering right away (and closing) is what real servers do.
    const bodyConsumed =
      !request.expectsContinue && (await pipeBody(this.reader, request.framing, async () => true));
    const keepAlive = bodyConsumed && request.keepAlive;
    const status = fault.status ?? 503;
    const [defaultCode, defaultMessage] = DEFAULT_ERROR_CODES[status] ?? ["InjectedFault", "Injected by the fault proxy."];
    const requestId = `FAULTPROXY${++this.requestCounter}`;
    const body = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>${escapeXml(fault.code ?? defaultCode)}</Code>` +
        `<Message>${escapeXml(fault.message ?? defaultMessage)}</Message>` +
        `<Resource>${escapeXml(request.path)}</Resource><RequestId>${requestId}</RequestId></Error>`,
    );
    const headers: Record<string, string> = {
      "Content-Type": "application/xml",
      "Content-Length": String(request.method === "HEAD" ? 0 : body.length),
      "x-amz-request-id": requestId,
      Date: new Date().toUTCString(),
      Connection: keepAlive ? "keep-alive" : "close",
      ...fault.headers,
    };
    const headText =
      `HTTP/1.1 ${status} ${statusText(status)}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("") +
      "\r\n";
    const response = request.method === "HEAD" ? Buffer.from(headText) : Buffer.concat([Buffer.from(headText), body]);
    this.ctx.applied("status");
    await writeTo(this.client, response);
    this.ctx.stats.bytesToClient += response.length;
    if (!keepAlive) await endAndDrain(this.client, this.reader);
    return keepAlive;
  }

  private async forward(request: RequestHead, head: Buffer, fault: Fault | null): Promise<boolean> {
    const upstream = await this.connectUpstream();
    if (upstream === null) return this.answerBadGateway();
    this.ctx.stats.forwarded += 1;
    let upThrottle: Throttle | undefined;
    let downThrottle: Throttle | undefined;
    if (fault?.kind === "throttle") {
      this.ctx.applied("throttle");
      upThrottle = new Throttle(fault.bytesPerSecond);
      downThrottle = new Throttle(fault.bytesPerSecond);
    }

    // A request cut is started by the request pump but awaited here, because it
    // also makes the response side fail (its upstream goes away).
    const state: { cut: Promise<void> | null; requestComplete: boolean } = { cut: null, requestComplete: false };
    const requestPump = (async () => {
      const toUpstream = this.sink(upstream.socket, "bytesToUpstream", upThrottle);
      await toUpstream(head);
      const cut = requestCut(request, fault);
      await pipeBody(this.reader, request.framing, cut ? limitSink(toUpstream, cut.afterBytes) : toUpstream);
      if (cut) state.cut = this.cutRequest(cut.kind, upstream);
      else state.requestComplete = true;
    })().catch(() => {
      // If the client vanished mid-body the server would wait forever for the
      // rest; closing upstream unblocks the response side. If instead the
      // server stopped reading, its (early) response may still be on the way.
      if (this.reader.exhausted || this.client.destroyed) this.dropUpstream();
    });

    let outcome: "reuse" | "close" | "handled";
    try {
      outcome = await this.relayResponse(request, upstream, fault, downThrottle);
    } catch (err) {
      if (state.cut) {
        await state.cut;
        return false;
      }
      throw err;
    }
    if (outcome === "handled") return false;
    // Normally the body is long sent when the answer comes. If the server
    // answered early, a client that was told to wait for "100 Continue" never
    // sends the rest, so only wait for clients that send unasked.
    if (!request.expectsContinue) await requestPump;
    if (outcome === "close" || !state.requestComplete) {
      this.dropUpstream();
      await endAndDrain(this.client, this.reader);
      return false;
    }
    return true;
  }

  /**
   * Relays interim and final responses. "handled" means a fault already closed
   * the connection; "close" that it must close after this exchange.
   */
  private async relayResponse(
    request: RequestHead,
    upstream: Upstream,
    fault: Fault | null,
    throttle: Throttle | undefined,
  ): Promise<"reuse" | "close" | "handled"> {
    const toClient = this.sink(this.client, "bytesToClient", throttle);
    for (;;) {
      const head = await readHead(upstream.reader);
      if (head === null) throw new Error("upstream closed without responding");
      const response = parseResponseHead(head);
      if (isInterim(response)) {
        await toClient(head);
        continue;
      }
      const framing = responseFraming(request, response);
      if (fault?.kind === "truncate" && fault.side !== "request") {
        const bodyLength = knownBodyLength(framing);
        const keep = fault.bytes ?? (bodyLength === undefined ? 0 : Math.floor(bodyLength / 2));
        if (bodyLength !== undefined && keep >= bodyLength) {
          await toClient(head.subarray(0, Math.floor(head.length / 2)));
        } else {
          await toClient(head);
          await pipeBody(upstream.reader, framing, limitSink(toClient, keep));
        }
        this.ctx.applied("truncate");
        this.dropUpstream();
        await endAndDrain(this.client, this.reader);
        return "handled";
      }
      await toClient(head);
      await pipeBody(upstream.reader, framing, toClient);
      const reusable = response.keepAlive && request.keepAlive && framing.kind !== "until-close";
      return reusable ? "reuse" : "close";
    }
  }

  private async cutRequest(kind: "reset" | "truncate", upstream: Upstream): Promise<void> {
    // The server gets the partial body followed by a clean end of stream either way.
    const upstreamClosed = finish(upstream.socket);
    if (kind === "reset") {
      this.client.resetAndDestroy();
      this.ctx.applied("reset");
      await upstreamClosed;
    } else {
      await upstreamClosed;
      this.ctx.applied("truncate");
      await endAndDrain(this.client, this.reader);
    }
    this.dropUpstream();
  }

  private sink(socket: Socket, counter: "bytesToUpstream" | "bytesToClient", throttle?: Throttle): BodySink {
    const write = async (bytes: Buffer): Promise<void> => {
      await writeTo(socket, bytes);
      this.ctx.stats[counter] += bytes.length;
      if (throttle) this.ctx.stats.throttledBytes += bytes.length;
    };
    return async (chunk) => {
      await (throttle ? throttle.pace(chunk, write) : write(chunk));
      return true;
    };
  }

  private async connectUpstream(): Promise<Upstream | null> {
    if (this.upstream && !this.upstream.socket.destroyed && !this.upstream.reader.exhausted) {
      return this.upstream;
    }
    this.dropUpstream();
    const socket = net.connect(this.ctx.upstreamPort, this.ctx.upstreamHost);
    socket.setNoDelay(true);
    const reader = new SocketReader(socket);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once("connect", () => resolve(true));
      socket.once("error", () => resolve(false));
    });
    if (!connected) {
      socket.destroy();
      return null;
    }
    this.upstream = { socket, reader };
    return this.upstream;
  }

  private dropUpstream(): void {
    this.upstream?.socket.destroy();
    this.upstream = null;
  }

  private async answerBadGateway(): Promise<boolean> {
    const body = "fault-proxy: upstream unreachable\n";
    await writeTo(
      this.client,
      Buffer.from(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`),
    );
    await endAndDrain(this.client, this.reader);
    return false;
  }
}

/**
 * Where a request-side fault cuts the body. The cut happens even when the body
 * is shorter than `afterBytes`, so the fault always shows.
 */
function requestCut(request: RequestHead, fault: Fault | null): { kind: "reset" | "truncate"; afterBytes: number } | null {
  if (fault?.kind === "reset" && fault.afterBytes !== undefined) {
    return { kind: "reset", afterBytes: fault.afterBytes };
  }
  if (fault?.kind === "truncate" && fault.side === "request") {
    const afterBytes = fault.bytes ?? Math.floor((knownBodyLength(request.framing) ?? 0) / 2);
    return { kind: "truncate", afterBytes };
  }
  return null;
}

/** Lets `limit` bytes through, then reports "stop". */
function limitSink(inner: BodySink, limit: number): BodySink {
  let remaining = limit;
  return async (chunk) => {
    if (remaining <= 0) return false;
    const part = chunk.subarray(0, remaining);
    remaining -= part.length;
    await inner(part);
    return remaining > 0;
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
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
  return texts[status] ?? "Injected";
}
