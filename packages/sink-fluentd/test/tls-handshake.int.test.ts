import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sink } from "@iw/core/sink-kit";
import { createFluentdSink, type FluentdSinkOptions } from "../src/index.js";
import {
  ctx,
  events,
  generateTestCertificates,
  recordingLogger,
  startFluentdReceiver,
  type FluentdReceiver,
  type TestCertificates,
} from "./helpers.js";

let certs: TestCertificates;
let receiver: FluentdReceiver | undefined;
let sink: Sink | undefined;
beforeAll(async () => {
  certs = await generateTestCertificates();
});
afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

const open = (options: Partial<FluentdSinkOptions> & { url: URL }, logger = recordingLogger().logger): Sink =>
  (sink = createFluentdSink(options, { logger }));

describe("ForwardSink over TLS", () => {
  it("delivers when the server certificate is signed by the configured CA", async () => {
    receiver = await startFluentdReceiver({ transport: "tls", tls: certs.server });
    open({ url: new URL(receiver.url), ca: Buffer.from(certs.ca.cert), tlsVerify: true });
    expect((await sink!.send(events(4), ctx())).status).toBe("success");
    expect(receiver.distinctEvents).toBe(4);
  });

  it("refuses a server whose certificate another CA signed: reason tls, logged once, no pause of its own (core decides)", async () => {
    receiver = await startFluentdReceiver({ transport: "tls", tls: certs.server });
    const log = recordingLogger();
    open({ url: new URL(receiver.url), ca: Buffer.from(certs.otherCa.cert), tlsVerify: true }, log.logger);
    for (let i = 0; i < 3; i++) {
      const result = await sink!.send(events(1), ctx());
      expect(result.status).toBe("retryable");
      expect(result).toMatchObject({ reason: "tls", error: { code: "IW_TLS" } });
      expect(result).not.toHaveProperty("retryAfterMs");
    }
    expect(log.lines.filter((l) => l.level === "error")).toHaveLength(1);
    expect(receiver.distinctEvents).toBe(0);
  });

  it("with verification off delivers to an untrusted server and warns once", async () => {
    receiver = await startFluentdReceiver({ transport: "tls", tls: certs.server });
    const log = recordingLogger();
    open({ url: new URL(receiver.url), tlsVerify: false }, log.logger);
    expect((await sink!.send(events(2), ctx())).status).toBe("success");
    expect(
      log.lines
        .filter((l) => l.level === "warn")
        .map((l) => l.message)
        .join(),
    ).toMatch(/verification is OFF/);
  });

  it("presents a client certificate to a server that requires one", async () => {
    receiver = await startFluentdReceiver({ transport: "tls", tls: { ...certs.server, ca: certs.ca.cert, requestCert: true } });
    open({
      url: new URL(receiver.url),
      ca: Buffer.from(certs.ca.cert),
      cert: Buffer.from(certs.client.cert),
      key: Buffer.from(certs.client.key),
      tlsVerify: true,
    });
    expect((await sink!.send(events(2), ctx())).status).toBe("success");
  });
});

describe.each(["fluentd", "fluent-bit"] as const)("security handshake (%s flavour)", (flavour) => {
  const security = { sharedKey: "s3cret-key", users: [{ username: "iw", password: "pw-1" }], selfHostname: "collector.example" };

  it("authenticates with shared key, username and password, verifies PONG and delivers", async () => {
    receiver = await startFluentdReceiver({ flavour, security });
    open({ url: new URL(receiver.url), sharedKey: "s3cret-key", username: "iw", password: "pw-1", hostname: "fw-host-1" });
    expect((await sink!.send(events(6), ctx())).status).toBe("success");
    expect(receiver.handshakes).toEqual([{ hostname: "fw-host-1", username: "iw", ok: true, reason: "" }]);
    expect(receiver.distinctEvents).toBe(6);
  });

  it("a wrong shared key is reason auth (IW_AUTH) without a pause of its own, logged once; events arrive once the key is fixed", async () => {
    receiver = await startFluentdReceiver({ flavour, security: { sharedKey: "another-key" } });
    const log = recordingLogger();
    open({ url: new URL(receiver.url), sharedKey: "s3cret-key", hostname: "fw-host-1" }, log.logger);
    const batch = events(3);
    for (let i = 0; i < 2; i++) {
      const result = await sink!.send(batch, ctx(3000, "auth-batch", i + 1));
      expect(result.status).toBe("retryable");
      expect(result).toMatchObject({ reason: "auth", error: { code: "IW_AUTH" } });
      expect(result.status === "retryable" && result.error.message).toMatch(/IW_FLUENTD_SHARED_KEY/);
      expect(result).not.toHaveProperty("retryAfterMs");
    }
    expect(log.lines.filter((l) => l.level === "error")).toHaveLength(1);
    expect(log.lines.find((l) => l.level === "error")?.message).toMatch(
      flavour === "fluentd" ? /refused the handshake \(shared_key mismatch\)/ : /closed the connection during the handshake without a PONG/,
    );
    expect(receiver.distinctEvents).toBe(0);
    receiver.setSecurity({ sharedKey: "s3cret-key" });
    expect((await sink!.send(batch, ctx(3000, "auth-batch", 3))).status).toBe("success");
    expect(receiver.distinctEvents).toBe(3);
    expect(log.lines.some((l) => l.level === "info" && /recovered/.test(l.message))).toBe(true);
  });

  it("a wrong password is refused by PONG false and names the user variables", async () => {
    receiver = await startFluentdReceiver({ flavour, security });
    open({ url: new URL(receiver.url), sharedKey: "s3cret-key", username: "iw", password: "wrong" });
    const result = await sink!.send(events(1), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "auth" });
    expect(result).not.toHaveProperty("retryAfterMs");
    expect(result.status === "retryable" && result.error.message).toMatch(/username\/password mismatch.*IW_FLUENTD_USERNAME/);
    expect(receiver.handshakes.map((h) => h.ok)).toEqual([false]);
  });
});

describe("handshake mismatches", () => {
  it("a server that requires the handshake while no shared key is set says which variable to set", async () => {
    receiver = await startFluentdReceiver({ security: { sharedKey: "k" } });
    open({ url: new URL(receiver.url) });
    const result = await sink!.send(events(1), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "auth" });
    expect(result.status === "retryable" && result.error.message).toMatch(/set IW_FLUENTD_SHARED_KEY/);
  });

  it("a server without <security> while a shared key is set times out with a hint", async () => {
    receiver = await startFluentdReceiver();
    open({ url: new URL(receiver.url), sharedKey: "k" });
    const result = await sink!.send(events(1), ctx(300));
    expect(result).toMatchObject({ status: "retryable", reason: "timeout" });
    expect(result.status === "retryable" && result.error.message).toMatch(/no HELO/);
  });
});
