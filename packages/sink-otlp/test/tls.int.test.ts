import { afterEach, describe, expect, it } from "vitest";
import { makeTestEvents, startOtlpReceiver } from "@iw/testkit";
import type { OtlpReceiver } from "@iw/testkit";
import type { OtlpSink } from "../src/index.js";
import { ctx, recordingLogger, sinkFromEnv, useTestCertificates } from "./helpers.js";

const tls = useTestCertificates();
let receiver: OtlpReceiver | undefined;
let sink: OtlpSink | undefined;

afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = undefined;
  receiver = undefined;
});

const httpsReceiver = (mtls = false) =>
  startOtlpReceiver({
    tls: { key: tls.certs.server.key, cert: tls.certs.server.cert, ...(mtls ? { ca: tls.certs.ca.cert, requestCert: true } : {}) },
  });

describe("TLS", () => {
  it("delivers to an https:// endpoint whose CA is IW_OTLP_CA_FILE", async () => {
    receiver = await httpsReceiver();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_CA_FILE: tls.files.caFile });
    expect(await sink.send(makeTestEvents(3), ctx())).toEqual({ status: "success" });
    expect(receiver.records).toHaveLength(3);
  });

  it("takes the CA from OTEL_EXPORTER_OTLP_CERTIFICATE when IW_OTLP_CA_FILE is unset", async () => {
    receiver = await httpsReceiver();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, OTEL_EXPORTER_OTLP_CERTIFICATE: tls.files.caFile });
    expect(await sink.send(makeTestEvents(1), ctx())).toEqual({ status: "success" });
  });

  it("refuses a server certificate it cannot verify: retryable, reason tls, nothing delivered", async () => {
    receiver = await httpsReceiver();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_CA_FILE: tls.files.otherCaFile });
    const result = await sink.send(makeTestEvents(1), ctx());
    expect(result).toMatchObject({ status: "retryable", reason: "tls" });
    expect(result.status !== "success" && result.error.message).toMatch(/TLS verification failed/);
    expect(receiver.records).toHaveLength(0);
  });

  it("sends without verification when IW_OTLP_TLS_VERIFY=false, and says so", async () => {
    receiver = await httpsReceiver();
    const logger = recordingLogger();
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_TLS_VERIFY: "false" }, logger);
    expect(await sink.send(makeTestEvents(1), ctx())).toEqual({ status: "success" });
    expect(logger.text()).toMatch(/IW_OTLP_TLS_VERIFY=false: TLS certificate verification is OFF/);
  });

  it.each([
    ["IW_OTLP_CERT_FILE / IW_OTLP_KEY_FILE", "IW_OTLP_CERT_FILE", "IW_OTLP_KEY_FILE"],
    [
      "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE / _CLIENT_KEY",
      "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
      "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY",
    ],
  ])("presents the client certificate of %s to an mTLS endpoint", async (_label, certVar, keyVar) => {
    receiver = await httpsReceiver(true);
    sink = sinkFromEnv({
      IW_OTLP_URL: receiver.url,
      IW_OTLP_CA_FILE: tls.files.caFile,
      [certVar]: tls.files.clientCertFile,
      [keyVar]: tls.files.clientKeyFile,
    });
    expect(await sink.send(makeTestEvents(2), ctx())).toEqual({ status: "success" });
    expect(receiver.records).toHaveLength(2);
  });

  it("without a client certificate, an mTLS endpoint's refusal is retryable and nothing is delivered", async () => {
    receiver = await httpsReceiver(true);
    sink = sinkFromEnv({ IW_OTLP_URL: receiver.url, IW_OTLP_CA_FILE: tls.files.caFile });
    expect(await sink.send(makeTestEvents(1), ctx())).toMatchObject({ status: "retryable" });
    expect(receiver.records).toHaveLength(0);
  });
});
