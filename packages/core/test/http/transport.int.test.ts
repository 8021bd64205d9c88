import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryQueue } from "../../src/delivery/index.js";
import { IwConfigError, scanLog } from "@iw/core";
import { createHttpTransport } from "@iw/core/sink-kit";
import type { HttpTransport, SendResult, Sink } from "@iw/core/sink-kit";
import type { IwEvent, Logger } from "@iw/core";

interface Server {
  readonly url: string;
  readonly requests: { path: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

const servers: Server[] = [];
let transport: HttpTransport | undefined;
let queue: DeliveryQueue | undefined;

afterEach(async () => {
  await queue?.close(500);
  await transport?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  queue = undefined;
  transport = undefined;
});

async function serve(answer: (res: ServerResponse) => void): Promise<Server> {
  const requests: Server["requests"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => answer(res));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const s: Server = {
    url: `http://127.0.0.1:${port}/in`,
    requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(s);
  return s;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const signal = (ms = 2000): AbortSignal => AbortSignal.timeout(ms);
const base = { what: "Test collector", envPrefix: "IW_TEST" };
const message = (r: SendResult): string => (r.status === "success" ? "" : r.error.message);

describe("createHttpTransport: start-time checks", () => {
  it.each(["Expect", "Upgrade", "Keep-Alive", "Content-Length", "Transfer-Encoding", "Host", "Connection", "Proxy-Authorization"])(
    "refuses a configured %s header, naming the variable",
    (name) => {
      const act = (): unknown => createHttpTransport({ ...base, url: "http://127.0.0.1:9/", headers: { [name]: "x" } });
      expect(act).toThrow(IwConfigError);
      expect(act).toThrow(new RegExp(`^IW_TEST_HEADERS sets ${name}, which the sink sets itself`));
    },
  );

  it("refuses a configured header the sink sets itself", () => {
    expect(() =>
      createHttpTransport({
        ...base,
        url: "http://127.0.0.1:9/",
        headers: { "Content-Type": "text/plain" },
        sinkHeaders: { "content-type": "application/json" },
      }),
    ).toThrow(/^IW_TEST_HEADERS sets Content-Type, which the sink sets itself; remove it/);
  });

  it("warns once when TLS verification is off, naming the variable", async () => {
    const logger = recordingLogger();
    transport = createHttpTransport({ ...base, url: "https://127.0.0.1:9/", tls: { verify: false }, logger });
    expect(logger.lines).toEqual([
      expect.stringMatching(/^warn IW_TEST_TLS_VERIFY=false: TLS certificate verification is OFF for Test collector/),
    ]);
    await transport.send({ body: "x", signal: signal(500) });
    expect(logger.lines.filter((l) => l.startsWith("warn"))).toHaveLength(1);
  });

  it("warns about basic auth over plain http without printing the credentials", () => {
    const logger = recordingLogger();
    transport = createHttpTransport({ ...base, url: "http://shipper:s3cret-pw@127.0.0.1:9/", logger });
    expect(logger.lines).toEqual([expect.stringMatching(/^warn Basic auth is sent over plain http to Test collector/)]);
    expect(transport.url.href).not.toContain("s3cret-pw");
    expect(logger.lines.join("\n")).not.toContain("s3cret-pw");
  });
});

describe("HttpTransport.send", () => {
  it("delivers on a 2xx status line whose body never ends", async () => {
    const server = await serve((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":');
    });
    transport = createHttpTransport({ ...base, url: server.url });
    const started = Date.now();
    expect(await transport.send({ body: "[]", signal: signal() })).toEqual({ status: "success" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("hands a 2xx body to successBody.parse, whose result is the attempt's", async () => {
    const server = await serve((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"partialSuccess":{"rejectedLogRecords":"2"}}');
    });
    const seen: string[] = [];
    const rejected = { count: 2, error: new Error("2 refused") };
    transport = createHttpTransport({
      ...base,
      url: server.url,
      successBody: {
        maxBytes: 1024,
        parse: (body, headers) => {
          seen.push(`${String(headers["content-type"])} ${new TextDecoder().decode(body)}`);
          return { status: "success", rejected };
        },
      },
    });
    expect(await transport.send({ body: "[]", signal: signal() })).toEqual({ status: "success", rejected });
    expect(seen).toEqual(['application/json {"partialSuccess":{"rejectedLogRecords":"2"}}']);
  });

  it.each([
    ["never ends", (res: ServerResponse) => void res.write("{")],
    ["is larger than maxBytes", (res: ServerResponse) => void res.end("x".repeat(2048))],
  ])("counts a 2xx as a plain success when its body %s, without parsing it", async (_what, write) => {
    const server = await serve((res) => {
      res.writeHead(200);
      write(res);
    });
    let parsed = 0;
    transport = createHttpTransport({
      ...base,
      url: server.url,
      successBody: { maxBytes: 1024, parse: () => (parsed++, { status: "failure", error: new Error("unexpected") }) },
    });
    const started = Date.now();
    expect(await transport.send({ body: "[]", signal: signal(5000) })).toEqual({ status: "success" });
    expect(parsed).toBe(0);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("counts a 2xx as a plain success when successBody.parse throws", async () => {
    const server = await serve((res) => res.end("{}"));
    transport = createHttpTransport({
      ...base,
      url: server.url,
      successBody: {
        maxBytes: 64,
        parse: () => {
          throw new Error("bug");
        },
      },
    });
    expect(await transport.send({ body: "[]", signal: signal() })).toEqual({ status: "success" });
  });

  it("sends Basic auth from the URL's userinfo and never names it in an error", async () => {
    const server = await serve((res) => res.writeHead(401).end("no"));
    transport = createHttpTransport({ ...base, url: server.url.replace("http://", "http://shipper:s3cret-pw@") });
    const result = await transport.send({ body: "[]", signal: signal() });
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("shipper:s3cret-pw").toString("base64")}`);
    expect(result).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH" } });
    expect(message(result)).not.toContain("s3cret-pw");
  });

  it("bounds the error body excerpt and strips control characters from it", async () => {
    const hostile = `\x1b[31mdenied\x1b[0m\r\n${"A".repeat(100_000)}\x07`;
    const server = await serve((res) => res.writeHead(400, { "content-type": "text/plain" }).end(hostile));
    const logger = recordingLogger();
    transport = createHttpTransport({ ...base, url: server.url, logger });
    const result = await transport.send({ body: "[]", signal: signal() });
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect(message(result)).toContain("denied");
    // eslint-disable-next-line no-control-regex
    expect(message(result)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(message(result).length).toBeLessThan(400);
    // Logged once, not on every attempt.
    await transport.send({ body: "[]", signal: signal() });
    expect(logger.lines.filter((l) => l.startsWith("error"))).toHaveLength(1);
  });

  it("does not follow a redirect", async () => {
    const elsewhere = await serve((res) => res.writeHead(200).end());
    const server = await serve((res) => res.writeHead(307, { location: elsewhere.url }).end());
    transport = createHttpTransport({ ...base, url: server.url });
    const result = await transport.send({ body: "[]", signal: signal() });
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect(message(result)).toContain("redirects are not followed");
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("fails with reason closed after close", async () => {
    const server = await serve((res) => res.writeHead(200).end());
    transport = createHttpTransport({ ...base, url: server.url });
    await transport.close();
    await transport.close();
    expect(await transport.send({ body: "[]", signal: signal() })).toMatchObject({
      status: "failure",
      reason: "closed",
      error: { code: "IW_CLOSED" },
    });
    expect(server.requests).toHaveLength(0);
  });

  it("drops a batch whose request the HTTP client refuses to send once, through a real queue, instead of retrying it", async () => {
    const server = await serve((res) => res.writeHead(200).end());
    const logger = recordingLogger();
    transport = createHttpTransport({ ...base, url: server.url, logger });
    const wire = transport;
    // A sink whose per-request header undici will not write (Expect is not supported).
    const sink: Sink = {
      name: "refused",
      send: (_batch: readonly IwEvent[], ctx) => wire.send({ body: "[]", headers: { expect: "100-continue" }, signal: ctx.signal }),
      close: () => wire.close(),
    };
    queue = new DeliveryQueue(sink, { maxBatchSize: 10, flushIntervalMs: 5, attemptTimeoutMs: 200, retryInitialMs: 5, retryMaxMs: 20 });
    queue.push(
      scanLog({ direction: "input", decision: "block", anomaly_score: 9, threshold: 5, policy: "p", request_id: "r", matches: [] }),
    );
    expect(await queue.flush(2000)).toBe(true);
    const stats = queue.stats();
    expect(stats.retried).toBe(0);
    expect(stats.dropped.rejected).toBe(1);
    expect(stats.lastError?.message).toMatch(/the HTTP client refused to send the request .*check IW_TEST_HEADERS/);
    expect(server.requests).toHaveLength(0);
    expect(logger.lines.filter((l) => l.startsWith("error"))).toHaveLength(1);
  });
});
