import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineSinkPlugin } from "@iw/core/sink-kit";
import type { SinkPlugin } from "@iw/core/sink-kit";
import { inspectActivation } from "@iw/core/inspect";
import { z } from "zod";
import { destinationsOf } from "../src/checks/destinations.js";
import type { Destination } from "../src/checks/destinations.js";
import { parseDuration, formatBytes, formatMs } from "../src/format.js";
import { ALL_PLUGINS } from "./helpers.js";

async function destinations(env: Record<string, string>, plugins: readonly SinkPlugin<unknown>[] = ALL_PLUGINS): Promise<Destination[]> {
  const r = await inspectActivation({ env, plugins });
  return r.sinks.flatMap((s) => destinationsOf(s, r.secretValues));
}

describe("destinationsOf", () => {
  it("probes each Logstash node with the sink's method, credentials and headers", async () => {
    const d = await destinations({
      IW_ELK_URL: "http://a:8080/,https://b:8443/in",
      IW_ELK_USER: "elastic",
      IW_ELK_PASSWORD: "pw-12345",
      IW_ELK_METHOD: "PUT",
      IW_ELK_HEADERS: JSON.stringify({ "X-Tenant": "t1" }),
    });
    expect(d.map((x) => x.label)).toEqual(["http://a:8080/", "https://b:8443/in"]);
    const [a, b] = d as Extract<Destination, { kind: "http" }>[];
    expect(a!.probe).toMatchObject({
      method: "PUT",
      body: "[]",
      expect: "logstash",
      headers: {
        "x-tenant": "t1",
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from("elastic:pw-12345").toString("base64")}`,
      },
    });
    expect(a!.tls).toBeUndefined();
    expect(b!.tls).toMatchObject({ verify: true, caVariable: "IW_ELK_CA_FILE" });
  });

  it("lets a configured Authorization header win over URL credentials, as the sinks do", async () => {
    const [d] = (await destinations({
      IW_WEBHOOK_URL: "https://u:p@hooks.example/x",
      IW_WEBHOOK_HEADERS: JSON.stringify({ Authorization: "Bearer tok-123456" }),
    })) as Extract<Destination, { kind: "http" }>[];
    expect(d!.probe).toMatchObject({ method: "OPTIONS", expect: "endpoint", headers: { authorization: "Bearer tok-123456" } });
    expect(d!.label).toBe("https://hooks.example/x");
  });

  it("masks token-like path segments in what it prints", async () => {
    const [d] = await destinations({ IW_WEBHOOK_URL: "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX1" });
    expect(d!.label).toBe("https://hooks.slack.com/services/T0000/B0000/****");
  });

  it("checks Fluentd forward with the handshake and TLS settings the sink uses, and a unix socket by its path", async () => {
    const [tcp] = await destinations({ IW_FLUENTD_URL: "tls://f.example", IW_FLUENTD_SHARED_KEY: "k-123456", IW_FLUENTD_HOSTNAME: "me" });
    expect(tcp).toMatchObject({
      kind: "forward",
      label: "tls://f.example",
      host: "f.example",
      port: 24224,
      handshake: { sharedKey: "k-123456", hostname: "me", prefix: "IW_FLUENTD" },
      tls: { verify: true, ca: undefined, caVariable: "IW_FLUENTD_CA_FILE", verifyVariable: "IW_FLUENTD_TLS_VERIFY" },
    });
    // The sink's defaults: the OS host name in the handshake; its flat tlsVerify option.
    const [unverified] = await destinations({ IW_FLUENTD_URL: "tls://f.example", IW_FLUENTD_TLS_VERIFY: "false" });
    expect(unverified).toMatchObject({ kind: "forward", tls: { verify: false }, handshake: { hostname: hostname() } });
    const [unix] = await destinations({ IW_FLUENTD_URL: "unix:///var/run/fluentd.sock" });
    expect(unix).toMatchObject({ kind: "unix", path: "/var/run/fluentd.sock" });
  });

  it("connects to the URLs of a plugin it does not know, and only resolves udp://", async () => {
    const custom = defineSinkPlugin({
      name: "splunk",
      env: "IW_SPLUNK_URL",
      options: z.object({ IW_SPLUNK_URL: z.string() }),
      create: () => ({ name: "splunk", send: () => Promise.resolve({ status: "success" as const }), close: () => Promise.resolve() }),
    });
    const d = await destinations({ IW_SPLUNK_URL: "https://hec.example:8088,udp://syslog.example:514" }, [custom]);
    expect(d).toMatchObject([
      { kind: "connect", host: "hec.example", port: 8088, tls: { verify: true } },
      { kind: "resolve", host: "syslog.example" },
    ]);
  });
});

describe("destinationsOf, OTLP and syslog", () => {
  it("checks syslog tls:// on its default port with the CA and client certificate the sink uses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "iw-cli-dest-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nca\n");
    const [d] = await destinations({ IW_SYSLOG_URL: "tls://siem.example", IW_SYSLOG_CA_FILE: ca, IW_SYSLOG_TLS_VERIFY: "false" });
    expect(d).toMatchObject({ kind: "connect", host: "siem.example", port: 6514, tls: { verify: false, caVariable: "IW_SYSLOG_CA_FILE" } });
    const tls = (d as Extract<Destination, { kind: "connect" }>).tls!;
    expect(Buffer.from(tls.ca!).toString()).toContain("BEGIN CERTIFICATE");
    expect((d as Extract<Destination, { kind: "connect" }>).note).toMatch(/^syslog: connection and TLS \(IW_SYSLOG_CA_FILE\) checked only/);
    const [tcp] = await destinations({ IW_SYSLOG_URL: "tcp://siem.example" });
    expect(tcp).toMatchObject({ kind: "connect", port: 514, tls: undefined });
  });

  it("checks an OTLP https:// endpoint with the sink's TLS settings", async () => {
    const [d] = await destinations({ IW_OTLP_URL: "https://otel.example:4318" });
    expect(d).toMatchObject({ kind: "connect", host: "otel.example", port: 4318, tls: { verify: true, ca: undefined } });
    expect((d as Extract<Destination, { kind: "connect" }>).note).toMatch(/^otlp: connection and TLS \(system roots\) checked only/);
  });
});

describe("formats", () => {
  it("parses durations with or without a unit", () => {
    expect([parseDuration("5000"), parseDuration("500ms"), parseDuration("5s"), parseDuration("1.5s"), parseDuration("2m")]).toEqual([
      5000, 500, 5000, 1500, 120_000,
    ]);
    expect([parseDuration("soon"), parseDuration("0"), parseDuration("-1s")]).toEqual([undefined, undefined, undefined]);
  });

  it("prints sizes and durations as people read them", () => {
    expect([formatBytes(812), formatBytes(1024), formatBytes(33_554_432), formatBytes(1536)]).toEqual([
      "812 B",
      "1 KiB",
      "32 MiB",
      "1.5 KiB",
    ]);
    expect([formatMs(250), formatMs(10_000), formatMs(120_000), formatMs(Infinity)]).toEqual(["250 ms", "10 s", "2 min", "no limit"]);
  });
});
