import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { activateWithReport, type Dispatcher, type Logger } from "@iw/core";
import { createFluentdSink, plugin } from "../src/index.js";
import { ctx, events, recordingLogger, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

/*
 * A named instance (`IW_FLUENTD_EU_URL` → `fluentd:eu`) must name its own variables
 * (`IW_FLUENTD_EU_*`) and its own sink name in every diagnostic, never the base instance's
 * `IW_FLUENTD_*` the user did not set.
 */

let receiver: FluentdReceiver | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.close(100);
  await receiver?.close();
  dispatcher = receiver = undefined;
});

/** A logger keeping each line with its fields, as an operator's log would show it. */
function capturingLogger(): Logger & {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[];
  text(): string;
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields: fields ?? {} });
  return {
    lines,
    text: () => lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields)}`).join("\n"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

async function activateNamed(env: Record<string, string>) {
  const logger = capturingLogger();
  const report = await activateWithReport({
    env: { IW_FLUENTD_EU_FLUSH_MS: "10", IW_SUMMARY_INTERVAL_S: "0", ...env },
    plugins: [plugin],
    logger,
  });
  dispatcher = report.dispatcher;
  return { report, logger, errors: report.errors.map((e) => e.message).join("\n") };
}

/** No base-instance variable (`IW_FLUENTD_URL`, `IW_FLUENTD_SHARED_KEY`, …) appears in `text`. */
function expectNoBaseNames(text: string): void {
  expect(text).not.toMatch(/\bIW_FLUENTD_(?!EU_)[A-Z_]+/);
}

/** Emits a few events and waits until the sink has logged an error (or `ms` passed). */
async function emitUntilError(logger: ReturnType<typeof capturingLogger>, ms = 3000): Promise<void> {
  for (const e of events(2)) dispatcher!.emit(e);
  const until = Date.now() + ms;
  while (Date.now() < until && !logger.lines.some((l) => l.level === "error")) await new Promise((r) => setTimeout(r, 20));
}

describe("a named Fluentd instance (IW_FLUENTD_EU_*) names its own variables", () => {
  it("username without password and shared key: the errors name IW_FLUENTD_EU_*", async () => {
    const { report, logger, errors } = await activateNamed({ IW_FLUENTD_EU_URL: "tcp://127.0.0.1:9", IW_FLUENTD_EU_USERNAME: "iw" });
    expect(report.dispatcher.enabled).toBe(false);
    expect(errors).toMatch(/IW_FLUENTD_EU_PASSWORD.* is unset while IW_FLUENTD_EU_USERNAME is set, which needs it/);
    expect(errors).toMatch(/IW_FLUENTD_EU_SHARED_KEY.* is unset while IW_FLUENTD_EU_USERNAME is set, which needs it/);
    expectNoBaseNames(errors);
    expectNoBaseNames(logger.text());
  });

  it("bad URL scheme: the error names IW_FLUENTD_EU_URL", async () => {
    const { report, errors } = await activateNamed({ IW_FLUENTD_EU_URL: "ftp://127.0.0.1:9" });
    expect(report.dispatcher.enabled).toBe(false);
    expect(errors).toMatch(/IW_FLUENTD_EU_URL.*scheme ftp:/);
    expectNoBaseNames(errors);
  });

  it("TLS verification off (forward): the warning names IW_FLUENTD_EU_TLS_VERIFY and the sink fluentd:eu", async () => {
    const { report, logger } = await activateNamed({ IW_FLUENTD_EU_URL: "tls://127.0.0.1:9", IW_FLUENTD_EU_TLS_VERIFY: "false" });
    expect(report.dispatcher.sinks).toEqual(["fluentd:eu"]);
    const warning = logger.lines.find((l) => l.level === "warn" && l.message.includes("verification is OFF"));
    expect(warning?.message).toContain("IW_FLUENTD_EU_TLS_VERIFY=false");
    expect(warning?.fields["sink"]).toBe("fluentd:eu");
    expectNoBaseNames(logger.text());
  });

  it("TLS verification off (in_http): the warning names IW_FLUENTD_EU_TLS_VERIFY and the sink fluentd:eu", async () => {
    const { logger } = await activateNamed({ IW_FLUENTD_EU_URL: "https://127.0.0.1:9", IW_FLUENTD_EU_TLS_VERIFY: "false" });
    const warning = logger.lines.find((l) => l.level === "warn" && l.message.includes("verification is OFF"));
    expect(warning?.message).toContain("IW_FLUENTD_EU_TLS_VERIFY=false");
    expect(warning?.fields["sink"]).toBe("fluentd:eu");
    expectNoBaseNames(logger.text());
  });

  it("wrong shared key: the handshake error names IW_FLUENTD_EU_SHARED_KEY", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "server-key" } });
    const { logger } = await activateNamed({ IW_FLUENTD_EU_URL: receiver.url, IW_FLUENTD_EU_SHARED_KEY: "client-key" });
    await emitUntilError(logger);
    const error = logger.lines.find((l) => l.level === "error");
    expect(error?.message).toMatch(
      /refused the handshake \(shared_key mismatch\); check IW_FLUENTD_EU_SHARED_KEY \(and IW_FLUENTD_EU_USERNAME \/ IW_FLUENTD_EU_PASSWORD\)/,
    );
    expect(error?.fields["sink"]).toBe("fluentd:eu");
    expectNoBaseNames(logger.text());
    expect(logger.text()).not.toContain("client-key");
  });

  it("wrong password: the handshake error names IW_FLUENTD_EU_USERNAME and IW_FLUENTD_EU_PASSWORD", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k", users: [{ username: "iw", password: "right" }] } });
    const { logger } = await activateNamed({
      IW_FLUENTD_EU_URL: receiver.url,
      IW_FLUENTD_EU_SHARED_KEY: "k",
      IW_FLUENTD_EU_USERNAME: "iw",
      IW_FLUENTD_EU_PASSWORD: "wrong-secret",
    });
    await emitUntilError(logger);
    const error = logger.lines.find((l) => l.level === "error");
    expect(error?.message).toMatch(/check IW_FLUENTD_EU_USERNAME and IW_FLUENTD_EU_PASSWORD/);
    expectNoBaseNames(logger.text());
    expect(logger.text()).not.toContain("wrong-secret");
  });

  it("server requires the handshake but no key is set: the error names IW_FLUENTD_EU_SHARED_KEY", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k" } });
    const { logger } = await activateNamed({ IW_FLUENTD_EU_URL: receiver.url });
    await emitUntilError(logger);
    const error = logger.lines.find((l) => l.level === "error");
    expect(error?.message).toMatch(/requires the <security> handshake; set IW_FLUENTD_EU_SHARED_KEY/);
    expectNoBaseNames(logger.text());
  });

  it("Fluent Bit closing on a wrong key: the error names IW_FLUENTD_EU_SHARED_KEY", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "server-key" }, flavour: "fluent-bit" });
    const { logger } = await activateNamed({ IW_FLUENTD_EU_URL: receiver.url, IW_FLUENTD_EU_SHARED_KEY: "client-key" });
    await emitUntilError(logger);
    const error = logger.lines.find((l) => l.level === "error");
    expect(error?.message).toMatch(/without a PONG.*check IW_FLUENTD_EU_SHARED_KEY/);
    expectNoBaseNames(logger.text());
  });
});

describe("createFluentdSink envPrefix", () => {
  it("defaults to IW_FLUENTD and the name fluentd", async () => {
    const logger = capturingLogger();
    const sink = createFluentdSink({ url: new URL("tls://127.0.0.1:9"), tlsVerify: false }, { logger });
    expect(sink.name).toBe("fluentd");
    expect(logger.lines[0]?.message).toContain("(IW_FLUENTD_TLS_VERIFY=false)");
    expect(logger.lines[0]?.fields["sink"]).toBe("fluentd");
    await sink.close();
  });

  it("no HELO in time with a shared key set: the timeout names <envPrefix>_SHARED_KEY", async () => {
    // The queue reports its own deadline message, so this one is checked on the sink's result.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { lines, logger } = recordingLogger();
    const sink = createFluentdSink(
      { url: new URL(`tcp://127.0.0.1:${port}`), sharedKey: "k", name: "fluentd:eu", envPrefix: "IW_FLUENTD_EU" },
      { logger },
    );
    try {
      const result = await sink.send(events(1), ctx(200));
      await sink.send(events(1), ctx(200));
      // The queue replaces a timed-out attempt's error with its own, so the sink logs the hint, once.
      expect(lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
        expect.stringMatching(/no HELO from the server in time; IW_FLUENTD_EU_SHARED_KEY is set/),
      ]);
      expect(result.status).toBe("retryable");
      const message = result.status === "success" ? "" : result.error.message;
      expect(message).toMatch(/no HELO from the server in time; IW_FLUENTD_EU_SHARED_KEY is set/);
      expectNoBaseNames(message);
    } finally {
      await sink.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
