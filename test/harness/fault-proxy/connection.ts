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
import { deliverLate } from "./late-delivery";
import { badGatewayResponse, s3ErrorResponse } from "./responses";
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

export class ProxyConnection {
  private readonly reader: SocketReader;
  private upstream: Upstream | null = null;

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
      case "late":
        await deliverLate(
          { upstreamHost: this.ctx.upstreamHost, upstreamPort: this.ctx.upstreamPort, held: () => this.ctx.applied("late") },
          this.client,
          this.reader,
          request,
          head,
          fault,
        );
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
    const response = s3ErrorResponse(request, fault, keepAlive);
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
    const cut = requestCut(request, fault);
    if (cut) return this.forwardAndCut(request, head, upstream, cut);
    let upThrottle: Throttle | undefined;
    let downThrottle: Throttle | undefined;
    if (fault?.kind === "throttle") {
      this.ctx.applied("throttle");
      upThrottle = new Throttle(fault.bytesPerSecond);
      downThrottle = new Throttle(fault.bytesPerSecond);
    }

    // Both directions run at once: the server may answer (100 Continue, or an
    // early error) before the body is complete.
    const state = { requestComplete: false };
    const requestPump = (async () => {
      const toUpstream = this.sink(upstream.socket, "bytesToUpstream", upThrottle);
      await toUpstream(head);
      await pipeBody(this.reader, request.framing, toUpstream);
      state.requestComplete = true;
    })().catch(() => {
      // If the client vanished mid-body the server would wait forever for the
      // rest; closing upstream unblocks the response side. If instead the
      // server stopped reading, its (early) response may still be on the way.
      if (this.reader.exhausted || this.client.destroyed) this.dropUpstream();
    });

    const outcome = await this.relayResponse(request, upstream, fault, downThrottle);
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

  /** Forwards the head and part of the body, then breaks the connection. Never relays a final answer. */
  private async forwardAndCut(request: RequestHead, head: Buffer, upstream: Upstream, cut: RequestCut): Promise<boolean> {
    // A client waiting for "100 Continue" sends no body until it gets one.
    void this.relayInterimResponses(upstream).catch(() => {
      // the connection is being cut anyway
    });
    const toUpstream = this.sink(upstream.socket, "bytesToUpstream");
    await toUpstream(head);
    await pipeBody(this.reader, request.framing, limitSink(toUpstream, cut.afterBytes));
    // The server gets the partial body followed by a clean end of stream either way.
    const upstreamFinished = finish(upstream.socket);
    if (cut.kind === "reset") {
      this.ctx.applied("reset");
      this.client.resetAndDestroy();
      await upstreamFinished;
    } else {
      await upstreamFinished;
      this.ctx.applied("truncate");
      await endAndDrain(this.client, this.reader);
    }
    return false;
  }

  private async relayInterimResponses(upstream: Upstream): Promise<void> {
    for (;;) {
      const head = await readHead(upstream.reader);
      if (head === null || !isInterim(parseResponseHead(head))) return;
      await writeTo(this.client, head);
      this.ctx.stats.bytesToClient += head.length;
    }
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
    await writeTo(this.client, badGatewayResponse());
    await endAndDrain(this.client, this.reader);
    return false;
  }
}

interface RequestCut {
  kind: "reset" | "truncate";
  afterBytes: number;
}

/**
 * Where a request-side fault cuts the body. The cut happens even when the body
 * is shorter than `afterBytes`, so the fault always shows.
 */
function requestCut(request: RequestHead, fault: Fault | null): RequestCut | null {
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
