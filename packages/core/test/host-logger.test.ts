import { Console } from "node:console";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import winston from "winston";
import { IwError, activate, createDispatcher, scanLog, silentLogger, toLogger } from "@iw/core";
import { createHttpTransport } from "@iw/core/sink-kit";
import type { Dispatcher, Logger } from "@iw/core";
import type { SendResult } from "@iw/core/sink-kit";
import { memoryPlugin } from "./helpers/memory-plugin.js";
import { ScriptSink } from "./helpers/script-sink.js";

type Line = Record<string, unknown>;

/** A writable that parses every JSON line written to it. */
function jsonLines(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const text of String(chunk).split("\n")) if (text.trim() !== "") lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { stream, lines };
}

function pinoCapture(options: { level?: string } = {}) {
  const { stream, lines } = jsonLines();
  return { logger: pino({ level: options.level ?? "debug" }, stream), lines };
}

function winstonCapture(levels?: winston.config.AbstractConfigSetLevels) {
  const { stream, lines } = jsonLines();
  const logger = winston.createLogger({
    level: "debug",
    ...(levels === undefined ? {} : { levels }),
    format: winston.format.combine(winston.format.splat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

const scan = () =>
  scanLog({ direction: "input", decision: "block", anomaly_score: 12, threshold: 10, policy: "default", request_id: "r-1", matches: [] });
const refused = (): SendResult => ({
  status: "retryable",
  reason: "server",
  error: new IwError("IW_HTTP_STATUS", "collector answered 503"),
});

const open: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close(200)));
});

/**
 * Activates the memory plugin with a level out of range: one config error, the sink stays off.
 * `logger` is core's `Logger` type: pino and winston loggers are passed to it without a cast.
 */
async function activateWithConfigError(logger: Logger): Promise<void> {
  const { plugin } = memoryPlugin();
  const d = await activate({ env: { IW_MEM_URL: "mem://a", IW_MEM_LEVEL: "9" }, plugins: [plugin], logger });
  expect(d.enabled).toBe(false);
}

/** Activates the memory plugin answering 503 to every batch and emits one event. */
async function activateFailingDelivery(logger: Logger): Promise<void> {
  const { plugin } = memoryPlugin("IW_MEM", "mem", { fail: refused });
  const d = await activate({ env: { IW_MEM_URL: "mem://a", IW_MEM_FLUSH_MS: "0" }, plugins: [plugin], logger, summaryIntervalMs: 0 });
  open.push(d);
  d.emit(scan());
}

const configError = (lines: Line[]) => lines.find((l) => l["code"] === "IW_CONFIG_INVALID");
const deliveryFailure = (lines: Line[]) => lines.find((l) => String(l["msg"] ?? l["message"]).includes("delivery failed"));

describe("toLogger() with pino", () => {
  it("passes a config error's code and variable from activate() as pino fields", async () => {
    const { logger, lines } = pinoCapture();
    await activateWithConfigError(logger);
    await vi.waitFor(() => expect(configError(lines)).toBeDefined());
    expect(configError(lines)).toMatchObject({
      level: 50,
      code: "IW_CONFIG_INVALID",
      variable: "IW_MEM_LEVEL",
      msg: expect.stringContaining("IW_MEM_LEVEL"),
    });
    expect(lines.find((l) => String(l["msg"]).includes("stays off"))).toMatchObject({ level: 40, sink: "mem" });
  });

  it("passes a delivery failure's sink and code as pino fields", async () => {
    const { logger, lines } = pinoCapture();
    await activateFailingDelivery(logger);
    await vi.waitFor(() => expect(deliveryFailure(lines)).toBeDefined(), { timeout: 5000 });
    expect(deliveryFailure(lines)).toMatchObject({
      level: 40,
      sink: "mem",
      code: "IW_HTTP_STATUS",
      msg: expect.stringContaining("collector answered 503"),
    });
  });

  it("adapts a pino logger given to createDispatcher() and to createHttpTransport()", async () => {
    const { logger, lines } = pinoCapture();
    const sink = new ScriptSink("scripted");
    sink.fallback = refused();
    const d = createDispatcher([{ sink, queue: { flushIntervalMs: 0 } }], { logger, exitFlushMs: 0 });
    open.push(d);
    d.emit(scan());
    await vi.waitFor(() => expect(deliveryFailure(lines)).toMatchObject({ sink: "scripted", code: "IW_HTTP_STATUS" }), { timeout: 5000 });

    const transport = createHttpTransport({
      url: "http://user:pw@127.0.0.1:9/",
      what: "a collector",
      envPrefix: "IW_X",
      name: "x",
      logger,
    });
    await transport.close();
    expect(lines.find((l) => String(l["msg"]).includes("Basic auth"))).toMatchObject({ level: 40, sink: "x" });
  });

  it("writes a message holding printf tokens as it is, fields included", () => {
    const { logger, lines } = pinoCapture();
    toLogger(logger).warn("50%s of %d", { sink: "s" });
    toLogger(logger).info("no fields %s");
    expect(lines).toMatchObject([
      { level: 40, msg: "50%s of %d", sink: "s" },
      { level: 30, msg: "no fields %s" },
    ]);
  });

  it("keeps a child logger's bindings and follows a level changed after adaptation", () => {
    const { logger, lines } = pinoCapture();
    const child = logger.child({ component: "iw" });
    const adapted = toLogger(child);
    adapted.info("first", { sink: "s" });
    child.level = "error";
    adapted.warn("hidden");
    adapted.error("second", { code: "IW_X" });
    expect(lines).toMatchObject([
      { level: 30, msg: "first", component: "iw", sink: "s" },
      { level: 50, msg: "second", component: "iw", code: "IW_X" },
    ]);
  });
});

describe("toLogger() with winston", () => {
  it("passes a config error's code and variable from activate() as winston fields", async () => {
    const { logger, lines } = winstonCapture();
    await activateWithConfigError(logger);
    await vi.waitFor(() => expect(configError(lines)).toBeDefined());
    expect(configError(lines)).toMatchObject({
      level: "error",
      code: "IW_CONFIG_INVALID",
      variable: "IW_MEM_LEVEL",
      message: expect.stringContaining("IW_MEM_LEVEL"),
    });
    await vi.waitFor(() =>
      expect(lines.find((l) => String(l["message"]).includes("stays off"))).toMatchObject({ level: "warn", sink: "mem" }),
    );
  });

  it("passes a delivery failure's sink and code as winston fields", async () => {
    const { logger, lines } = winstonCapture();
    await activateFailingDelivery(logger);
    await vi.waitFor(() => expect(deliveryFailure(lines)).toBeDefined(), { timeout: 5000 });
    expect(deliveryFailure(lines)).toMatchObject({ level: "warn", sink: "mem", code: "IW_HTTP_STATUS" });
  });

  it("keeps the fields when the message holds a %s (winston's warn(message, meta) would drop them)", async () => {
    const { logger, lines } = winstonCapture();
    toLogger(logger).warn('IW_X_URL="http://h/%s" is invalid', { variable: "IW_X_URL" });
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toEqual({ level: "warn", message: 'IW_X_URL="http://h/%s" is invalid', variable: "IW_X_URL" });
  });

  it("writes warnings at `warning` when the logger uses syslog levels", async () => {
    const { logger, lines } = winstonCapture(winston.config.syslog.levels);
    const adapted = toLogger(logger);
    adapted.warn("careful", { sink: "s" });
    adapted.error("broken", { sink: "s" });
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines).toEqual([
      { level: "warning", message: "careful", sink: "s" },
      { level: "error", message: "broken", sink: "s" },
    ]);
  });
});

describe("toLogger() with console and other shapes", () => {
  it("prints a console message literally, with its fields", () => {
    let out = "";
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const adapted = toLogger(new Console({ stdout: stream, stderr: stream }));
    adapted.warn("rate 100%d", { sink: "s" });
    adapted.error("bare %o");
    expect(out).toBe("rate 100%d { sink: 's' }\nbare %o\n");
  });

  it("returns core's own shape as it is, so adapting twice changes nothing", () => {
    const own: Logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(toLogger(own)).toBe(own);
    const { logger } = pinoCapture();
    const once = toLogger(logger);
    expect(toLogger(once)).toBe(once);
  });

  it("turns undefined into the silent logger and a missing method into a no-op", () => {
    expect(toLogger(undefined)).toBe(silentLogger);
    const seen: string[] = [];
    const partial = toLogger({ warn: (m: string) => void seen.push(m) });
    partial.debug("d");
    partial.error("e");
    partial.warn("w");
    expect(seen).toEqual(["w"]);
  });
});
