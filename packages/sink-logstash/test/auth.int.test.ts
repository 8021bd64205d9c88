import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import { plugin } from "../src/index.js";
import type { LogstashSink } from "../src/index.js";
import { ctx, recordingLogger, sinkFromEnv } from "./helpers.js";

const SECRET = "s3cr3t-Pa55@word";

let receiver: LogstashReceiver | undefined;
let sink: LogstashSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

/** Every form the secret could leak in: as is, percent-encoded, inside the Basic token. */
function leaks(text: string): boolean {
  const forms = [SECRET, encodeURIComponent(SECRET), Buffer.from(`shipper:${SECRET}`).toString("base64")];
  return forms.some((f) => text.includes(f));
}

/** An error and its whole cause chain as text. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; cause?: unknown; stack?: string } | undefined, i = 0; e && i < 6; e = e.cause as typeof e, i++) {
    parts.push(String(e.message), String(e.stack));
  }
  return parts.join("\n");
}

describe("basic auth", () => {
  it("sends IW_ELK_USER / IW_ELK_PASSWORD as Basic credentials", async () => {
    receiver = await startLogstashReceiver({ user: "shipper", password: SECRET });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_USER: "shipper", IW_ELK_PASSWORD: SECRET });
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(receiver.events).toHaveLength(2);
  });

  it("takes credentials from the URL, percent-decoded, and never sends them in the request line", async () => {
    receiver = await startLogstashReceiver({ user: "shipper", password: SECRET });
    const url = receiver.url.replace("http://", `http://shipper:${encodeURIComponent(SECRET)}@`);
    sink = sinkFromEnv({ IW_ELK_URL: url });
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(receiver.requests[0]!.url).toBe("/");
    expect(leaks(JSON.stringify(sink.nodes()))).toBe(false);
    expect(sink.nodes()[0]!.url).toBe(receiver.url);
  });

  it("never prints the password: not in errors, log lines or node status", async () => {
    const logger = recordingLogger();
    receiver = await startLogstashReceiver({ user: "shipper", password: "the-right-one" });
    const url = receiver.url.replace("http://", `http://shipper:${encodeURIComponent(SECRET)}@`);
    sink = sinkFromEnv({ IW_ELK_URL: url }, logger);
    const texts: string[] = [];
    const refused = await sink.send(makeTestEvents(1), ctx());
    expect(refused).toMatchObject({ status: "retryable", error: { code: "IW_AUTH" } });
    texts.push(errorText(refused.status === "success" ? undefined : refused.error));
    await receiver.setFault("down");
    const down = await sink.send(makeTestEvents(1), ctx());
    expect(down.status).toBe("retryable");
    texts.push(errorText(down.status === "success" ? undefined : down.error));
    await receiver.setFault({ mode: "status", status: 500, body: "boom" });
    await receiver.setFault("none");
    texts.push(logger.text(), JSON.stringify(sink.nodes()));
    expect(logger.text()).toMatch(/Basic auth is sent over plain http/);
    expect(logger.text()).toMatch(/refused the credentials/);
    for (const text of texts) expect(leaks(text), text).toBe(false);
  });

  it("never prints the password in a configuration error", () => {
    const bad = plugin.options.safeParse({ IW_ELK_URL: `ftp://shipper:${SECRET}@host:21`, IW_ELK_USER: "x" });
    expect(bad.success).toBe(false);
    expect(leaks(JSON.stringify(bad.error))).toBe(false);
  });
});
