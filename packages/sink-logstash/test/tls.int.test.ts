import { afterEach, describe, expect, it } from "vitest";
import type { SendResult } from "@iw/core/sink-kit";
import { makeTestEvents, startLogstashReceiver } from "@iw/testkit";
import type { LogstashReceiver } from "@iw/testkit";
import type { LogstashSink } from "../src/index.js";
import { ctx, recordingLogger, sinkFromEnv, useTestCertificates } from "./helpers.js";

const tls = useTestCertificates();
let receiver: LogstashReceiver | undefined;
let sink: LogstashSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

function errorOf(result: SendResult): { code?: string; message: string } {
  expect(result.status).not.toBe("success");
  return result.status === "success" ? { message: "" } : result.error;
}

describe("LogstashSink over TLS", () => {
  it("delivers when IW_ELK_CA_FILE holds the server's CA", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    expect(receiver.url).toMatch(/^https:/);
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.caFile });
    expect(await sink.send(makeTestEvents(3), ctx())).toEqual({ status: "success" });
    expect(receiver.events).toHaveLength(3);
  });

  it("verifies by default: a private CA is not trusted without IW_ELK_CA_FILE", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url });
    const error = errorOf(await sink.send(makeTestEvents(1), ctx()));
    expect(error.code).toBe("IW_TLS");
    expect(receiver.events).toHaveLength(0);
  });

  it("fails with a clear TLS error, logged once, when the CA is the wrong one", async () => {
    const logger = recordingLogger();
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.otherCaFile }, logger);
    const first = await sink.send(makeTestEvents(1), ctx());
    expect(first).toMatchObject({ status: "retryable", reason: "tls" });
    expect(first).not.toHaveProperty("retryAfterMs");
    const error = errorOf(first);
    expect(error.code).toBe("IW_TLS");
    expect(error.message).toMatch(/TLS verification failed/);
    expect(error.message).toMatch(/CA file/);
    await sink.send(makeTestEvents(1), ctx());
    expect(logger.lines.filter((l) => l.includes("TLS verification failed"))).toHaveLength(1);
  });

  it("fails with a TLS error naming the host-name mismatch", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.serverWrongHost.cert, key: tls.certs.serverWrongHost.key } });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.caFile });
    const error = errorOf(await sink.send(makeTestEvents(1), ctx()));
    expect(error.code).toBe("IW_TLS");
    expect(error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it("fails on an expired server certificate", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.serverExpired.cert, key: tls.certs.serverExpired.key } });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.caFile });
    const error = errorOf(await sink.send(makeTestEvents(1), ctx()));
    expect(error.code).toBe("IW_TLS");
    expect(error.message).toMatch(/CERT_HAS_EXPIRED/);
  });

  it("presents the client certificate when Logstash requires mutual TLS", async () => {
    receiver = await startLogstashReceiver({
      tls: { cert: tls.certs.server.cert, key: tls.certs.server.key, ca: tls.certs.ca.cert, clientAuthentication: "required" },
    });
    sink = sinkFromEnv({
      IW_ELK_URL: receiver.url,
      IW_ELK_CA_FILE: tls.files.caFile,
      IW_ELK_CERT_FILE: tls.files.clientCertFile,
      IW_ELK_KEY_FILE: tls.files.clientKeyFile,
    });
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(receiver.events).toHaveLength(2);
  });

  it("is refused without a client certificate when Logstash requires one", async () => {
    receiver = await startLogstashReceiver({
      tls: { cert: tls.certs.server.cert, key: tls.certs.server.key, ca: tls.certs.ca.cert, clientAuthentication: "required" },
    });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.caFile });
    const result = await sink.send(makeTestEvents(1), ctx());
    expect(result.status).toBe("retryable");
    expect(errorOf(result).message).toMatch(/IW_ELK_CERT_FILE and IW_ELK_KEY_FILE/);
    expect(receiver.events).toHaveLength(0);
  });

  it("skips verification with IW_ELK_TLS_VERIFY=false, with a warning", async () => {
    const logger = recordingLogger();
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.serverWrongHost.cert, key: tls.certs.serverWrongHost.key } });
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_TLS_VERIFY: "false" }, logger);
    expect(logger.lines.some((l) => l.startsWith("warn IW_ELK_TLS_VERIFY=false"))).toBe(true);
    expect(await sink.send(makeTestEvents(1), ctx())).toEqual({ status: "success" });
  });
});

describe("IW_ELK_CONNECT_TIMEOUT_MS", () => {
  it("gives up on a TLS handshake that never completes, well before the attempt deadline", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    await receiver.setFault("blackhole");
    sink = sinkFromEnv({ IW_ELK_URL: receiver.url, IW_ELK_CA_FILE: tls.files.caFile, IW_ELK_CONNECT_TIMEOUT_MS: "200" });
    const started = Date.now();
    const error = errorOf(await sink.send(makeTestEvents(1), ctx(10_000)));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.code).toBe("IW_NETWORK");
    expect(error.message).toMatch(/CONNECT_TIMEOUT|timeout/i);
  });

  it("leaves time to fail over to another node within the same send", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    const healthy = await startLogstashReceiver({ tls: { cert: tls.certs.server.cert, key: tls.certs.server.key } });
    try {
      await receiver.setFault("blackhole");
      sink = sinkFromEnv({
        IW_ELK_URL: `${receiver.url},${healthy.url}`,
        IW_ELK_CA_FILE: tls.files.caFile,
        IW_ELK_CONNECT_TIMEOUT_MS: "200",
      });
      for (let i = 0; i < 3; i++) expect(await sink.send(makeTestEvents(2), ctx(5000))).toEqual({ status: "success" });
      expect(healthy.events).toHaveLength(6);
    } finally {
      await sink?.close();
      await healthy.close();
    }
  });
});
