import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  generateTestCertificates,
  startFluentdReceiver,
  startLogstashReceiver,
  startWebhookReceiver,
  writeTestCertificates,
} from "@iw/testkit";
import type { TestCertificateFiles, TestCertificates } from "@iw/testkit";
import type { TestLine } from "../src/index.js";
import { closedPort, run } from "./helpers.js";

const SHARED_KEY = "fluentd-shared-key-42";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_C2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

let certs: TestCertificates;
let files: TestCertificateFiles;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  certs = await generateTestCertificates();
  files = await writeTestCertificates(certs);
});
afterAll(() => files.cleanup());
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function track<T extends { close(): Promise<void> }>(receiver: Promise<T>): Promise<T> {
  const r = await receiver;
  cleanups.push(() => r.close());
  return r;
}
const lines = (r: { json<T>(): T[] }) => r.json<{ ok: boolean; sinks: TestLine[] }>()[0]!;

describe("test", () => {
  it("sends one [Test message] scan log and audit event through every sink, as they would ship them", async () => {
    const ls = await track(startLogstashReceiver());
    const fd = await track(startFluentdReceiver({ security: { sharedKey: SHARED_KEY } }));
    const wh = await track(startWebhookReceiver({ secrets: [SECRET] }));
    const r = await run(["test"], {
      IW_ELK_URL: ls.url,
      IW_FLUENTD_URL: fd.url,
      IW_FLUENTD_SHARED_KEY: SHARED_KEY,
      IW_WEBHOOK_URL: wh.url,
      IW_WEBHOOK_SECRET: SECRET,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ logstash {2}delivered 2 test events \(\d+\.\d ms\)$/m);
    expect(r.stdout).toMatch(/^✓ fluentd {3}delivered 2 test events/m);
    expect(r.stdout).toMatch(/^✓ webhook {3}delivered 2 test events/m);
    expect(ls.events.map((e) => [e["log_type"], e["test"]])).toEqual([
      ["scan", true],
      ["audit", true],
    ]);
    expect(fd.records.map((x) => x.tag).sort()).toEqual(["inferwall.audit", "inferwall.scan"]);
    expect(wh.events.map((e) => e.event["details"] ?? e.event["matches"])).toHaveLength(2);
    expect(wh.requests[0]!.status).toBe(200); // signed with the secret the receiver checks
  });

  it("picks for each sink the test events its filter accepts", async () => {
    const ls = await track(startLogstashReceiver());
    const r = await run(["test", "--json"], { IW_ELK_URL: ls.url, IW_ELK_EVENTS: "audit:auth" });
    expect(lines(r).sinks).toMatchObject([{ sink: "logstash", ok: true, events: 1 }]);
    expect(ls.events).toMatchObject([{ log_type: "audit", category: "auth", test: true }]);
  });

  it("fails a sink with the collector's reason and exits 1: wrong shared key, wrong signing secret, wrong CA", async () => {
    const fd = await track(startFluentdReceiver({ security: { sharedKey: SHARED_KEY } }));
    const wh = await track(startWebhookReceiver({ secrets: [SECRET] }));
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } }));
    const r = await run(["test", "--json"], {
      IW_FLUENTD_URL: fd.url,
      IW_FLUENTD_SHARED_KEY: "not-the-shared-key",
      IW_WEBHOOK_URL: wh.url,
      IW_WEBHOOK_SECRET: OTHER_SECRET,
      IW_ELK_URL: ls.url,
      IW_ELK_CA_FILE: files.otherCaFile,
    });
    expect(r.code).toBe(1);
    const bySink = Object.fromEntries(lines(r).sinks.map((l) => [l.sink, l]));
    expect(bySink["fluentd"]!.error).toContain("Fluentd refused the handshake (shared_key mismatch)");
    expect(bySink["webhook"]!.error).toContain("refused the credentials (401)");
    expect(bySink["logstash"]!.error).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(r.stdout).not.toContain("not-the-shared-key");
    expect(r.stdout).not.toContain(OTHER_SECRET.slice(6));
    expect(fd.records).toHaveLength(0);
    expect(ls.events).toHaveLength(0);
  });

  it("fails at once on a closed port", async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await run(["test"], { IW_ELK_URL: `http://127.0.0.1:${port}/` });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ logstash {2}retryable: .*ECONNREFUSED/m);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("gives up on a blackholed collector at the --timeout deadline", async () => {
    const ls = await track(startLogstashReceiver());
    await ls.setFault("blackhole");
    const started = Date.now();
    const r = await run(["test", "--timeout", "800ms", "--json"], { IW_ELK_URL: ls.url });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(lines(r).sinks).toMatchObject([{ sink: "logstash", ok: false, error: "no answer within 800 ms", events: 2 }]);
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(3500);
  });

  it("tests only the sinks named by --sink", async () => {
    const ls = await track(startLogstashReceiver());
    const wh = await track(startWebhookReceiver());
    const r = await run(["test", "--sink", "webhook:soc", "--json"], { IW_ELK_URL: ls.url, IW_WEBHOOK_SOC_URL: wh.url });
    expect(lines(r)).toEqual({ ok: true, sinks: [{ sink: "webhook:soc", ok: true, latencyMs: expect.any(Number) as number, events: 2 }] });
    expect(ls.events).toHaveLength(0);
    const unknown = await run(["test", "--sink", "splunk"], { IW_ELK_URL: ls.url });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("✗ splunk  no such sink in this environment");
  });

  it("reports a sink that would not start, and exits 1 when nothing is configured", async () => {
    const bad = await run(["test"], { IW_WEBHOOK_URL: "http://127.0.0.1:9/hook", IW_WEBHOOK_SECRET: "not-a-whsec-secret" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ webhook {2}not active: IW_WEBHOOK_SECRET=\*\*\*\* is invalid/m);
    expect(bad.stdout).not.toContain("not-a-whsec-secret");
    const none = await run(["test"], {});
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("no sink is configured");
  });

  it("says on stderr what a sink warns about when it starts (TLS verification off)", async () => {
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } }));
    const r = await run(["test"], { IW_ELK_URL: ls.url, IW_ELK_TLS_VERIFY: "false" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: IW_ELK_TLS_VERIFY=false: TLS certificate verification is OFF");
  });
});
