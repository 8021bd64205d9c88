import { createServer } from "node:http";
import type { ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { uuidv7 } from "../../core/src/events/index.js";
import type { Logger } from "@iw/core";
import type { SendContext } from "@iw/core/sink-kit";
import type { EncodedBatch } from "../src/formats.js";

/**
 * A send context with a real deadline, as the delivery queue passes it; with `payload`, as the
 * queue passes what `prepare` built.
 */
export function ctx(timeoutMs = 2000, batchId: string = uuidv7(), attempt = 1, payload?: EncodedBatch): SendContext<EncodedBatch> {
  return { signal: AbortSignal.timeout(timeoutMs), attempt, batchId, ...(payload === undefined ? {} : { payload }) };
}

/** A logger that keeps every line, to assert on what an operator would read. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A bare node:http server on 127.0.0.1 for answers the testkit receiver cannot give. */
export interface RawServer {
  readonly url: string;
  /** Bodies of the requests received, in order. */
  readonly bodies: Buffer[];
  /** Destroys every socket (answers left hanging included) and stops listening. */
  close(): Promise<void>;
}

/** Starts a {@link RawServer}; `answer` runs once a request's body is in. */
export async function startRawServer(answer: (res: ServerResponse) => void): Promise<RawServer> {
  const bodies: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks));
      answer(res);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
