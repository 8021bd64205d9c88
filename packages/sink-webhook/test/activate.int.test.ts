import { afterEach, describe, expect, it } from "vitest";
import { activateWithReport, silentLogger } from "@iw/core";
import type { Dispatcher } from "@iw/core";
import { plugin } from "../src/index.js";
import { blockedScan, failedLogin, SECRET_A, SECRET_B } from "./fixtures.js";
import { startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

let receivers: WebhookReceiver[] = [];
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  await dispatcher?.close(2000);
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  dispatcher = undefined;
});

describe("activation from the environment", () => {
  it("runs the base sink and a named instance, each with its own secret, format and filter", async () => {
    const main = await startWebhookReceiver({ secrets: [SECRET_A] });
    const soc = await startWebhookReceiver({ secrets: [SECRET_B] });
    receivers.push(main, soc);
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: {
        IW_WEBHOOK_URL: main.url,
        IW_WEBHOOK_SECRET: SECRET_A,
        IW_WEBHOOK_FORMAT: "cloudevents",
        IW_WEBHOOK_FLUSH_MS: "20",
        IW_WEBHOOK_SOC_URL: soc.url,
        IW_WEBHOOK_SOC_SECRET: SECRET_B,
        IW_WEBHOOK_SOC_FORMAT: "summary",
        IW_WEBHOOK_SOC_EVENTS: "audit",
        IW_WEBHOOK_SOC_FLUSH_MS: "20",
      },
    });
    dispatcher = report.dispatcher;
    expect(report.errors).toEqual([]);
    expect([...dispatcher.sinks].sort()).toEqual(["webhook", "webhook:soc"]);
    dispatcher.emit(blockedScan());
    dispatcher.emit(failedLogin());
    expect(await dispatcher.flush(5000)).toBe(true);
    // Besides the two events, each destination hears that the other one was activated.
    expect(main.distinctEvents).toBe(3);
    expect(main.requests.every((r) => r.format?.startsWith("cloudevents"))).toBe(true);
    expect(soc.distinctEvents).toBe(2);
    const socLines = soc.requests.flatMap((r) => r.events.map((e) => e.envelope["summary"]));
    expect(socLines).toContain("[InferenceWall] Audit auth: login_failed from 192.0.2.1");
    expect(socLines.filter((l) => String(l).includes("lifecycle"))).toHaveLength(1);
  });

  it("answers dispatcher.test() with one signed [Test message] per selected event type", async () => {
    const main = await startWebhookReceiver({ secrets: [SECRET_A] });
    receivers.push(main);
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: {
        IW_WEBHOOK_URL: main.url,
        IW_WEBHOOK_SECRET: SECRET_A,
        IW_WEBHOOK_FORMAT: "summary",
        IW_WEBHOOK_EVENTS: "scan:block,audit:auth",
      },
    });
    dispatcher = report.dispatcher;
    const results = await dispatcher.test(5000);
    expect(results).toMatchObject([{ sink: "webhook", ok: true, events: 2 }]);
    const lines = main.events.map((e) => e.envelope["summary"]);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => typeof l === "string" && l.startsWith("[InferenceWall] [Test message] "))).toBe(true);
  });

  it("leaves a sink with a malformed secret off, with an error naming the variable and hiding the value", async () => {
    const main = await startWebhookReceiver();
    receivers.push(main);
    const bad = "whsec_dG9vLXNob3J0";
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: { IW_WEBHOOK_URL: main.url, IW_WEBHOOK_SECRET: bad },
    });
    dispatcher = report.dispatcher;
    expect(dispatcher.sinks).toEqual([]);
    const text = report.errors.map((e) => e.message).join("\n");
    expect(text).toContain("IW_WEBHOOK_SECRET");
    expect(text).not.toContain("dG9vLXNob3J0");
  });

  it("refuses CR/LF in IW_WEBHOOK_HEADERS", async () => {
    const main = await startWebhookReceiver();
    receivers.push(main);
    const report = await activateWithReport({
      plugins: [plugin],
      logger: silentLogger,
      env: { IW_WEBHOOK_URL: main.url, IW_WEBHOOK_HEADERS: "X-A=1%0D%0AX-B:%202" },
    });
    dispatcher = report.dispatcher;
    expect(dispatcher.sinks).toEqual([]);
    expect(report.errors.map((e) => e.message).join("\n")).toMatch(/IW_WEBHOOK_HEADERS.*header injection/);
  });

  it("names a named instance's own variables when its receiver refuses the signature", async () => {
    const soc = await startWebhookReceiver({ secrets: [SECRET_A] });
    receivers.push(soc);
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (m: string) => void errors.push(m) };
    const report = await activateWithReport({
      plugins: [plugin],
      logger,
      env: { IW_WEBHOOK_SOC_URL: soc.url, IW_WEBHOOK_SOC_SECRET: SECRET_B, IW_WEBHOOK_SOC_FLUSH_MS: "10", IW_SUMMARY_INTERVAL_S: "0" },
    });
    dispatcher = report.dispatcher;
    expect(dispatcher.sinks).toEqual(["webhook:soc"]);
    dispatcher.emit(failedLogin());
    expect(await dispatcher.flush(500)).toBe(false); // refused: the event waits for a retry
    const text = errors.join("\n");
    expect(text).toContain("webhook:soc");
    expect(text).toContain("IW_WEBHOOK_SOC_SECRET");
    expect(text).not.toMatch(/IW_WEBHOOK_SECRET/);
    const [stats] = dispatcher.stats();
    expect(stats).toMatchObject({ delivered: 0, dropped: { total: 0 }, lastError: { code: "IW_AUTH" } });
    expect(stats!.queued + stats!.inFlight).toBe(1); // a batch waiting for its retry counts as in flight
  });
});
