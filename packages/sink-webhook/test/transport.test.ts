import { afterEach, describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import { createWebhookSink } from "../src/index.js";
import { webhookOptions } from "../src/options.js";
import type { WebhookSink } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

let sink: WebhookSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe("WebhookSink over core's HTTP transport", () => {
  it.each(["Expect", "Upgrade", "Keep-Alive"])(
    "refuses a configured %s header at start, naming the variable (it would be refused at every attempt)",
    (name) => {
      const act = (): unknown =>
        createWebhookSink({ url: "https://h.example/x", envPrefix: "IW_WEBHOOK_SOC", headers: { [name]: "100-continue" } });
      expect(act).toThrow(IwConfigError);
      expect(act).toThrow(new RegExp(`^IW_WEBHOOK_SOC_HEADERS sets ${name}, which the sink sets itself`));
    },
  );

  it("refuses the same headers when parsing IW_WEBHOOK_HEADERS", () => {
    const parsed = webhookOptions.env.safeParse({ IW_WEBHOOK_URL: "https://h.example/x", IW_WEBHOOK_HEADERS: "Expect=100-continue" });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("sets Expect, which the sink sets itself");
  });

  it("warns once that basic auth from the URL goes over plain http, without the password", () => {
    const logger = recordingLogger();
    sink = createWebhookSink({ url: "http://hook:p4ss-word@127.0.0.1:9/hook" }, logger);
    expect(logger.lines).toEqual([
      { level: "warn", message: expect.stringMatching(/^Basic auth is sent over plain http to webhook http:\/\/127\.0\.0\.1:9/) as string },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain("p4ss-word");
  });
});
