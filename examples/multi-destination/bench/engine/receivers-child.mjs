// The collectors of the engine scenarios, in their own process (a real collector is another
// process: its decoding must not be charged to the host's thread). Driven over IPC by
// receivers.mjs. Kinds: the @iw/testkit Logstash, Fluentd (in_forward, acks) and webhook
// receivers; `blackhole` (a TCP server that accepts and never answers); `poison` (a Logstash
// receiver behind a proxy that answers 500 to every request whose body holds one event_id).
import { Agent, createServer as createHttpServer, request as httpRequest } from "node:http";
import { createServer as createNetServer } from "node:net";
import { gunzipSync } from "node:zlib";
import { startFluentdReceiver, startLogstashReceiver, startWebhookReceiver } from "@iw/testkit";

const receivers = new Map();
let nextId = 0;

/** Scan logs of one run (request_id starting with `prefix`): distinct event_ids and duplicates. */
function countPrefix(records, prefix) {
  const ids = new Set();
  let total = 0;
  for (const e of records) {
    if (e && e.log_type === "scan" && typeof e.request_id === "string" && e.request_id.startsWith(prefix)) {
      total++;
      ids.add(e.event_id);
    }
  }
  return { distinct: ids.size, duplicates: total - ids.size, ids };
}

async function startBlackhole() {
  const sockets = new Set();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.resume(); // read everything, answer nothing
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    records: () => [],
    info: () => ({ connections, open: sockets.size }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function startPoison() {
  const inner = await startLogstashReceiver();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  let poisonId;
  let refused = 0;
  let forwarded = 0;
  const server = createHttpServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const text = req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
      if (poisonId !== undefined && text.includes(poisonId)) {
        refused++;
        res.writeHead(500, { "content-type": "text/plain" }).end("poison event");
        return;
      }
      forwarded++;
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const out = httpRequest(inner.url, { method: req.method, headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on("error", () => res.headersSent || res.writeHead(502).end());
      out.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    records: () => inner.events,
    setPoison: (id) => (poisonId = id),
    info: () => ({ refused, forwarded }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
      await inner.close();
    },
  };
}

async function start(kind, options = {}) {
  if (kind === "blackhole") return startBlackhole();
  if (kind === "poison") return startPoison();
  if (kind === "logstash") {
    const r = await startLogstashReceiver(options);
    let upAt;
    return {
      url: r.url,
      records: () => r.events,
      down: () => r.setFault("down"),
      up: async () => {
        await r.setFault("none");
        upAt = Date.now();
        return upAt;
      },
      // The first request answered 2xx that arrived after the receiver came back.
      resumeMs: () => {
        const first = r.requests.find((q) => q.receivedAt >= upAt && q.status !== undefined && q.status < 300 && q.eventCount > 0);
        return first === undefined ? undefined : first.receivedAt - upAt;
      },
      info: () => ({ requests: r.requests.length, refused: r.requests.filter((q) => q.status !== undefined && q.status >= 300).length }),
      close: () => r.close(),
    };
  }
  if (kind === "fluentd") {
    const r = await startFluentdReceiver(options);
    return {
      url: r.url,
      records: () => r.records.map((x) => x.record),
      info: () => ({ connections: r.connections }),
      close: () => r.close(),
    };
  }
  if (kind === "webhook") {
    const r = await startWebhookReceiver(options);
    return {
      url: r.url,
      records: () => r.events.map((e) => e.event),
      info: () => ({ requests: r.requests.length, refused: r.requests.filter((q) => q.status !== 200).length }),
      close: () => r.close(),
    };
  }
  throw new Error(`unknown receiver kind ${kind}`);
}

process.on("message", async ({ seq, cmd, id, arg }) => {
  try {
    let result;
    if (cmd === "start") {
      const r = await start(arg.kind, arg.options);
      receivers.set(++nextId, r);
      result = { id: nextId, url: r.url };
    } else {
      const r = receivers.get(id);
      if (r === undefined) throw new Error(`no receiver ${id}`);
      if (cmd === "count") {
        const { distinct, duplicates, ids } = countPrefix(r.records(), arg.prefix);
        result = { distinct, duplicates, ...r.info() };
        if (arg.missing) result.missing = arg.missing.filter((x) => !ids.has(x));
      } else if (cmd === "down") result = await r.down();
      else if (cmd === "up") result = await r.up();
      else if (cmd === "resume") result = r.resumeMs();
      else if (cmd === "poison") result = r.setPoison(arg.eventId);
      else if (cmd === "close") {
        await r.close();
        receivers.delete(id);
      } else throw new Error(`unknown command ${cmd}`);
    }
    process.send({ seq, result });
  } catch (err) {
    process.send({ seq, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true });
