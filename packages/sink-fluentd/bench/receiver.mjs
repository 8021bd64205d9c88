// A lean in_forward for the benchmark, in a child process (forked by run.mjs) so that it shares
// neither the client's event loop nor its CPU accounting: process.cpuUsage() in run.mjs is the
// client's alone. Like Fluentd (whose MessagePackEventStream is decoded lazily) it acks a
// PackedForward chunk without decoding its entries, counting them by the `size` option; the
// entries are kept and decoded on "verify", after the timed part, to count distinct event_ids.
import { createServer } from "node:net";
import { gunzipSync } from "node:zlib";
import { Decoder, ExtensionCodec, decodeMulti, encode } from "@msgpack/msgpack";

/** Delay before each ack (BENCH_ACK_DELAY_MS): a collector's buffer write plus a network round trip. */
const ACK_DELAY_MS = Number(process.env.BENCH_ACK_DELAY_MS ?? 0);
const codec = new ExtensionCodec();
codec.register({ type: 0, encode: () => null, decode: (d) => d });
const ids = new Set();
let records = 0;
let packed = [];
const sockets = new Set();
const parentPort = { postMessage: (m) => process.send(m), on: (event, fn) => process.on(event, fn) };
const text = (v) => (v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : v);

function count(record) {
  records++;
  const id = record?.event_id;
  if (id !== undefined) ids.add(text(id));
}

const server = createServer((socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => {});
  void (async () => {
    try {
      for await (const msg of new Decoder({ rawStrings: true, extensionCodec: codec }).decodeStream(socket)) {
        if (!Array.isArray(msg)) continue;
        const second = msg[1];
        let option;
        if (second instanceof Uint8Array) {
          option = msg[2] ?? {};
          if (typeof option.size === "number") {
            records += option.size;
            packed.push([second, text(option.compressed) === "gzip"]);
          } else {
            const stream = text(option.compressed) === "gzip" ? gunzipSync(second) : second;
            for (const [, record] of decodeMulti(stream, { extensionCodec: codec })) count(record);
          }
        } else if (Array.isArray(second)) {
          option = msg[2] ?? {};
          for (const [, record] of second) count(record);
        } else {
          option = msg[3] ?? {};
          count(msg[2]);
        }
        if (option.chunk !== undefined) {
          const ack = encode({ ack: text(option.chunk) });
          if (ACK_DELAY_MS > 0) setTimeout(() => socket.write(ack), ACK_DELAY_MS);
          else socket.write(ack);
        }
      }
    } catch {
      socket.destroy();
    }
  })();
});

server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (cmd) => {
  if (cmd === "count") parentPort.postMessage({ records });
  if (cmd === "verify") {
    const before = records;
    for (const [bytes, gzip] of packed) {
      for (const [, record] of decodeMulti(gzip ? gunzipSync(bytes) : bytes, { extensionCodec: codec })) {
        const id = record?.event_id;
        if (id !== undefined) ids.add(text(id));
      }
    }
    packed = [];
    records = before;
    parentPort.postMessage({ distinct: ids.size, records });
  }
  if (cmd === "reset") {
    ids.clear();
    records = 0;
    packed = [];
    for (const s of sockets) s.destroy();
    parentPort.postMessage({ reset: true });
  }
  if (cmd === "close") {
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  }
});
