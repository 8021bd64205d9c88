import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebhookSink } from "../src/index.js";
import { blockedScan, SECRET_A } from "./fixtures.js";
import { ctx, recordingLogger } from "./helpers.js";
import { generateTestCertificates, startWebhookReceiver } from "./testkit.js";
import type { WebhookReceiver } from "./testkit.js";

type Certs = Awaited<ReturnType<typeof generateTestCertificates>>;
let certs: Certs;
let receiver: WebhookReceiver | undefined;
let sink: WebhookSink | undefined;

beforeAll(async () => {
  certs = await generateTestCertificates();
});

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

describe("TLS", () => {
  it("delivers over HTTPS when the CA is trusted", async () => {
    receiver = await startWebhookReceiver({ secrets: [SECRET_A], tls: { key: certs.server.key, cert: certs.server.cert } });
    expect(receiver.url.startsWith("https://")).toBe(true);
    sink = new WebhookSink({ url: receiver.url, secret: SECRET_A, ca: certs.ca.cert });
    expect(await sink.send([blockedScan()], ctx())).toEqual({ status: "success" });
    expect(receiver.distinctEvents).toBe(1);
  });

  it("refuses a server signed by another CA, with a clear IW_TLS error", async () => {
    receiver = await startWebhookReceiver({ tls: { key: certs.server.key, cert: certs.server.cert } });
    sink = new WebhookSink({ url: receiver.url, ca: certs.otherCa.cert });
    const result = await sink.send([blockedScan()], ctx());
    expect(result).toMatchObject({ error: { code: "IW_TLS" } });
    expect((result as { error: Error }).error.message).toMatch(/TLS verification failed .*check the CA file/);
    expect(receiver.distinctEvents).toBe(0);
  });

  it("refuses a self-signed test CA when no CA is configured (verification on by default)", async () => {
    receiver = await startWebhookReceiver({ tls: { key: certs.server.key, cert: certs.server.cert } });
    sink = new WebhookSink({ url: receiver.url });
    expect(await sink.send([blockedScan()], ctx())).toMatchObject({ error: { code: "IW_TLS" } });
  });

  it("refuses a certificate for another host name", async () => {
    receiver = await startWebhookReceiver({ tls: { key: certs.serverWrongHost.key, cert: certs.serverWrongHost.cert } });
    sink = new WebhookSink({ url: receiver.url, ca: certs.ca.cert });
    const result = await sink.send([blockedScan()], ctx());
    expect(result).toMatchObject({ error: { code: "IW_TLS" } });
    expect((result as { error: Error }).error.message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("with verification off: delivers, after warning once", async () => {
    receiver = await startWebhookReceiver({ tls: { key: certs.server.key, cert: certs.server.cert } });
    const logger = recordingLogger();
    sink = new WebhookSink({ url: receiver.url, tlsVerify: false }, logger);
    expect(await sink.send([blockedScan()], ctx())).toEqual({ status: "success" });
    expect(logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
  });

  it("presents a client certificate to a server that requires one (mTLS)", async () => {
    receiver = await startWebhookReceiver({
      tls: { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true },
    });
    sink = new WebhookSink({ url: receiver.url, ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    expect(await sink.send([blockedScan()], ctx())).toEqual({ status: "success" });
  });

  it("without a client certificate the mTLS server hangs up: retryable, nothing delivered", async () => {
    receiver = await startWebhookReceiver({
      tls: { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true },
    });
    sink = new WebhookSink({ url: receiver.url, ca: certs.ca.cert });
    const result = await sink.send([blockedScan()], ctx());
    expect(result.status).toBe("retryable");
    expect(receiver.distinctEvents).toBe(0);
  });

  it("gives up connecting after connectTimeoutMs when the TLS handshake never completes", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      sink = new WebhookSink({ url: `https://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, connectTimeoutMs: 200 });
      const started = Date.now();
      const result = await sink.send([blockedScan()], ctx(5000));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(result).toMatchObject({ status: "retryable", error: { code: "IW_NETWORK" } });
      expect((result as { error: Error }).error.message).toContain("UND_ERR_CONNECT_TIMEOUT");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
