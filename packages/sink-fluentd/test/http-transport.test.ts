import { afterEach, describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import { createFluentdSink, plugin } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe("HttpSink (in_http) over core's HTTP transport", () => {
  it.each(["Content-Length", "Transfer-Encoding", "Host"])("refuses a configured %s header at start, naming the variable", (name) => {
    const act = (): unknown =>
      createFluentdSink({ url: new URL("http://127.0.0.1:9880"), envPrefix: "IW_FLUENTD_EU", headers: { [name]: "5" } });
    expect(act).toThrow(IwConfigError);
    expect(act).toThrow(new RegExp(`^IW_FLUENTD_EU_HEADERS sets ${name}, which the sink sets itself`));
  });

  it("refuses them when parsing IW_FLUENTD_HEADERS too", () => {
    const parsed = plugin.options.safeParse({ IW_FLUENTD_URL: "http://127.0.0.1:9880", IW_FLUENTD_HEADERS: "Transfer-Encoding=chunked" });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("sets Transfer-Encoding, which the sink sets itself");
  });

  it("warns once that basic auth from the URL goes over plain http, without the password", () => {
    const { lines, logger } = recordingLogger();
    sink = createFluentdSink({ url: new URL("http://fluent:p4ss-word@127.0.0.1:9880/") }, { logger });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringMatching(/^Basic auth is sent over plain http to Fluentd in_http http:\/\/127\.0\.0\.1:9880/) as string,
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain("p4ss-word");
  });
});
