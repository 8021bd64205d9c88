import { Agent, request } from "node:http";
import { classifyHttpStatus, classifyNetworkError } from "@iw/core/sink-kit";
import { IwError } from "@iw/core";
import type { IwEvent } from "@iw/core";
import type { SendContext, SendResult, Sink } from "@iw/core/sink-kit";

/**
 * The smallest honest HTTP sink: POSTs the batch as a JSON array with a keep-alive agent,
 * passes `ctx.signal` to the request and classifies with core's helpers. Used to run the
 * contract suite against the Logstash receiver.
 */
export class TinyHttpSink implements Sink {
  readonly name = "tiny-http";
  readonly #url: string;
  readonly #agent = new Agent({ keepAlive: true });
  #closed = false;

  readonly #leaky: boolean;

  /** `leaky: true` makes close() forget the keep-alive sockets: a broken sink for the tests. */
  constructor(url: string, options: { leaky?: boolean } = {}) {
    this.#url = url;
    this.#leaky = options.leaky ?? false;
  }

  send(batch: readonly IwEvent[], ctx: SendContext): Promise<SendResult> {
    if (this.#closed) return Promise.resolve({ status: "failure", error: new IwError("IW_CLOSED", "tiny-http: closed") });
    if (batch.length === 0) return Promise.resolve({ status: "success" });
    const body = JSON.stringify(batch);
    return new Promise((resolve) => {
      const req = request(
        this.#url,
        {
          method: "POST",
          agent: this.#agent,
          signal: ctx.signal,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(classifyHttpStatus(res.statusCode ?? 0, res.headers, "tiny-http")));
          res.on("error", (err) => resolve(classifyNetworkError(err, ctx.signal, "tiny-http")));
        },
      );
      req.on("error", (err) => resolve(classifyNetworkError(err, ctx.signal, "tiny-http")));
      req.end(body);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    if (!this.#leaky) this.#agent.destroy();
    return Promise.resolve();
  }
}
