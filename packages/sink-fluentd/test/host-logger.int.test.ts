import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "@iw/core";
import { createFluentdSink } from "../src/index.js";
import { ctx, events, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

/**
 * A logger shaped like pino (recognised by `Symbol.for("pino.serializers")`, as core's
 * `toLogger` does): every call is recorded with its arguments, in pino's order.
 */
function pinoShaped() {
  const calls: unknown[][] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void calls.push([level, ...args]);
  const logger = { [Symbol.for("pino.serializers")]: {}, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger: logger as Logger, calls };
}

let receiver: FluentdReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("a forward sink built with the host's pino logger", () => {
  it("logs the TLS warning as pino's (fields, message)", async () => {
    const { logger, calls } = pinoShaped();
    const sink = createFluentdSink({ url: new URL("tls://127.0.0.1:9"), tlsVerify: false }, { logger });
    await sink.close();
    expect(calls).toContainEqual(["warn", { sink: "fluentd" }, expect.stringContaining("verification is OFF")]);
  });

  it("logs a refused handshake with its sink and code as fields", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "server-key" } });
    const { logger, calls } = pinoShaped();
    const sink = createFluentdSink({ url: new URL(receiver.url), sharedKey: "client-key" }, { logger });
    const result = await sink.send(events(1), ctx());
    await sink.close();
    expect(result.status).not.toBe("success");
    const error = calls.find((c) => c[0] === "error");
    expect(error?.[1]).toMatchObject({ sink: "fluentd", code: expect.stringMatching(/^IW_/) });
    expect(error?.[2]).toMatch(/shared_key mismatch/);
  });
});
