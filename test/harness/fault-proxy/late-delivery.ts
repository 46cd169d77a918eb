// The "late" fault: a request the store carries out after its client is gone.
//
// A real store that has received a whole request acts on it even if the client
// dies before the answer (seen with SeaweedFS: a PutObject of a SIGKILLed dsp
// stored more than half a second after the kill). The proxy models that: it
// takes the whole request from the client, holds it until the test releases it,
// then sends it upstream on a connection of its own, whatever became of the
// client, and hands the answer to the client only if it is still there.

import net, { type Socket } from "node:net";
import type { LateFault } from "./faults";
import { type RequestHead, parseResponseHead, pipeBody, readHead, responseFraming } from "./http1";
import { SocketReader, writeTo } from "./socket-io";

/** Bodies held in memory: the fault is for small requests (PutObject of a test file). */
const MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface LateDeliveryContext {
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /** Called once the whole request is held (the moment a client could die with it "sent"). */
  held(): void;
}

export async function deliverLate(
  ctx: LateDeliveryContext,
  client: Socket,
  clientReader: SocketReader,
  request: RequestHead,
  head: Buffer,
  fault: LateFault,
): Promise<void> {
  // A client waiting for "100 Continue" sends its body only when told to.
  if (request.expectsContinue) await writeTo(client, Buffer.from("HTTP/1.1 100 Continue\r\n\r\n"));
  const body: Buffer[] = [];
  let size = 0;
  await pipeBody(clientReader, request.framing, async (chunk) => {
    size += chunk.length;
    if (size > MAX_HELD_BYTES) throw new Error(`late fault: request body over ${MAX_HELD_BYTES} bytes`);
    body.push(chunk);
    return true;
  });
  ctx.held();
  await fault.release;

  try {
    await forward(ctx, client, request, Buffer.concat([head, ...body]), fault);
  } catch (err) {
    fault.onDelivered?.(0);
    throw err;
  }
}

async function forward(ctx: LateDeliveryContext, client: Socket, request: RequestHead, bytes: Buffer, fault: LateFault): Promise<void> {
  const upstream = net.connect(ctx.upstreamPort, ctx.upstreamHost);
  upstream.setNoDelay(true);
  const reader = new SocketReader(upstream);
  try {
    await new Promise<void>((resolve, reject) => {
      upstream.once("connect", () => resolve());
      upstream.once("error", reject);
    });
    await writeTo(upstream, bytes);
    for (;;) {
      const responseHead = await readHead(reader);
      if (responseHead === null) throw new Error("late fault: upstream closed without answering");
      const response = parseResponseHead(responseHead);
      if (response.status >= 100 && response.status < 200) continue;
      const answer: Buffer[] = [responseHead];
      await pipeBody(reader, responseFraming(request, response), async (chunk) => {
        answer.push(chunk);
        return true;
      });
      fault.onDelivered?.(response.status);
      if (!client.destroyed) await writeTo(client, Buffer.concat(answer)).catch(() => undefined);
      return;
    }
  } finally {
    upstream.destroy();
  }
}
