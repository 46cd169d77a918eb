// Fault-injection HTTP proxy for integration tests: sits between dsp (or any
// S3 client) and a real S3 server and breaks chosen requests on purpose.
//
// Guarantees:
// - A request that draws no fault reaches the server byte-identical: the request
//   line and head are forwarded as received (Host, x-amz-*, header order and
//   case included, so SigV4 signatures stay valid) and bodies are streamed both
//   ways with TCP backpressure, never buffered whole (memory per connection is
//   bounded to a few hundred KiB whatever the part size).
// - Each client connection gets its own upstream connection, reused as long as
//   the exchange stays clean, so the client's keep-alive pool behaves normally.
// - A queued fault hits exactly `times` matching requests (first queued match
//   wins), and `stats.faulted` / `waitForFault` count it the moment it takes
//   effect, before the client can observe it.
// - down() makes new connections fail with ECONNREFUSED and kills open ones;
//   up() listens on the same port again.
//
// Implemented on raw node:net with a minimal HTTP/1.1 parser (see
// fault-proxy/http1.ts) rather than node:http, because cutting a response at a
// chosen byte, sending RST, or holding a socket silently needs control of the
// socket that an HTTP server API deliberately hides. No pipelining and no TLS.

import net from "node:net";
import { type ConnectionContext, ProxyConnection } from "./fault-proxy/connection";
import { type Fault, type FaultKind, FaultQueue } from "./fault-proxy/faults";
import { FaultTracker, type FaultProxyStats } from "./fault-proxy/stats";

export type {
  Fault,
  FaultKind,
  HangFault,
  LateFault,
  RequestMatch,
  ResetFault,
  StatusFault,
  ThrottleFault,
  TruncateFault,
} from "./fault-proxy/faults";
export { S3_OPERATIONS } from "./fault-proxy/faults";
export type { FaultProxyStats, RequestRecord } from "./fault-proxy/stats";

export interface FaultProxyOptions {
  /** Base URL of the real server, e.g. "http://127.0.0.1:18333" (http only). */
  upstream: string;
  /** Port to listen on (127.0.0.1); 0 or omitted = ephemeral. */
  port?: number;
}

export interface FaultProxy {
  /** "http://127.0.0.1:PORT": use as the S3 endpoint. */
  readonly url: string;
  readonly port: number;
  readonly stats: FaultProxyStats;
  /** Queues a fault for the next matching request(s). */
  inject(fault: Fault): void;
  /** Drops all queued faults (counters are kept). */
  clear(): void;
  /** Resolves once `count` faults of `kind` took effect since the proxy started. */
  waitForFault(kind: FaultKind, count?: number): Promise<void>;
  /** Stops listening (ECONNREFUSED) and destroys open connections. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** down() for good; pending waitForFault calls reject. */
  stop(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstreamUrl = new URL(options.upstream);
  if (upstreamUrl.protocol !== "http:") throw new Error(`fault proxy forwards plain http only, got ${options.upstream}`);
  const upstreamHost = upstreamUrl.hostname.replace(/^\[(.*)\]$/, "$1");
  const upstreamPort = Number(upstreamUrl.port || 80);

  const faults = new FaultQueue();
  const tracker = new FaultTracker();
  const stats = tracker.stats;
  const open = new Set<ProxyConnection>();
  let stopped = false;

  const context: ConnectionContext = {
    upstreamHost,
    upstreamPort,
    stats,
    applied: (kind) => tracker.applied(kind),
    takeFault: (request) => {
      const fault = faults.take(request);
      stats.requests += 1;
      stats.log.push({ method: request.method, target: request.target, fault: fault?.kind ?? null });
      return fault;
    },
  };

  const server = net.createServer((socket) => {
    stats.connections += 1;
    const connection = new ProxyConnection(socket, context);
    open.add(connection);
    void connection.run().finally(() => open.delete(connection));
  });

  const listen = (port: number): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });

  const port = await listen(options.port ?? 0);

  const down = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of open) connection.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    inject: (fault) => faults.add(fault),
    clear: () => faults.clear(),
    waitForFault: (kind, count = 1) => tracker.waitFor(kind, count),
    down,
    up: async () => {
      if (stopped) throw new Error("fault proxy was stopped");
      if (!server.listening) await listen(port);
    },
    stop: async () => {
      stopped = true;
      faults.clear();
      await down();
      tracker.abandonWaiters("fault proxy stopped");
    },
  };
}
