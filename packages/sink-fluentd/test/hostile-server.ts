import { connect, createServer, type Server, type Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** What a raw server does with one accepted connection. */
export type Behaviour = (client: Socket) => void;

/** A raw TCP server on 127.0.0.1 whose behaviour per connection the test decides. */
export interface RawServer {
  readonly url: string;
  /** Accepted client sockets, in order. */
  readonly clients: readonly Socket[];
  /** Resolves when the `index`th client connection is closed (by the sink). */
  closed(index: number): Promise<void>;
  /** The behaviour of the next connections. */
  behave(next: Behaviour): void;
  close(): Promise<void>;
}

export async function startRawServer(initial: Behaviour): Promise<RawServer> {
  let behaviour = initial;
  const clients: Socket[] = [];
  const closings: Promise<void>[] = [];
  const server: Server = createServer((client) => {
    clients.push(client);
    closings.push(new Promise((resolve) => client.once("close", () => resolve())));
    client.on("error", () => {});
    behaviour(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `tcp://127.0.0.1:${port}`,
    clients,
    closed: (index) => closings[index] ?? Promise.reject(new Error(`no connection #${index}`)),
    behave: (next) => (behaviour = next),
    close: async () => {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Relays the connection to a real (testkit) in_forward; `afterReply` may add bytes after each server reply. */
export function relayTo(url: string, afterReply?: (client: Socket) => void): Behaviour {
  const { hostname, port } = new URL(url);
  return (client) => {
    const upstream = connect(Number(port), hostname);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    upstream.on("data", (chunk: Buffer) => {
      client.write(chunk);
      afterReply?.(client);
    });
  };
}

/** Reads what the client sends and answers its first write with `reply`, then `then` (a trickle, a flood). */
export function answerWith(reply: Uint8Array, then?: (client: Socket) => void): Behaviour {
  return (client) => {
    client.once("data", () => {
      client.write(reply);
      then?.(client);
    });
  };
}

/** Writes `chunk` every `everyMs` until the socket closes. */
export function stream(client: Socket, chunk: Uint8Array, everyMs: number): void {
  const timer = setInterval(() => {
    if (client.destroyed) return clearInterval(timer);
    client.write(chunk, () => {});
  }, everyMs);
  client.once("close", () => clearInterval(timer));
}

/** CPU time of this process and event-loop delay p99 over `ms`. */
export async function measure(ms: number): Promise<{ cpuMs: number; loopDelayP99Ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = process.cpuUsage();
  await sleep(ms);
  const used = process.cpuUsage(start);
  histogram.disable();
  return { cpuMs: (used.user + used.system) / 1000, loopDelayP99Ms: histogram.percentile(99) / 1e6 };
}

/** msgpack headers that declare 4 GiB − 1 bytes or elements. */
export const HUGE = {
  str32: Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff),
  bin32: Uint8Array.of(0xc6, 0xff, 0xff, 0xff, 0xff),
  array32: Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff),
  map32: Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff),
} as const;
