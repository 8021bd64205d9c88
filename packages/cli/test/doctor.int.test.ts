import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  generateTestCertificates,
  startFluentdReceiver,
  startLogstashReceiver,
  startWebhookReceiver,
  writeTestCertificates,
} from "@iw/testkit";
import type { TestCertificateFiles, TestCertificates } from "@iw/testkit";
import type { DoctorReport } from "../src/index.js";
import { closedPort, run } from "./helpers.js";

const PASSWORD = "s3cret-Pa55word";
const SHARED_KEY = "fluentd-shared-key-42";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

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

const report = (r: { json<T>(): T[] }): DoctorReport => r.json<DoctorReport>()[0]!;
const steps = (rep: DoctorReport, sink: string) => rep.sinks.find((s) => s.name === sink)!.destinations.flatMap((d) => d.steps);

describe("doctor: Logstash", () => {
  it("says why the sink activates, shows its settings masked, and checks it with a request that creates no event", async () => {
    const ls = await track(startLogstashReceiver({ user: "elastic", password: PASSWORD }));
    const r = await run(["doctor"], { IW_ELK_URL: ls.url, IW_ELK_USER: "elastic", IW_ELK_PASSWORD: PASSWORD, IW_ELK_BATCH_SIZE: "200" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iw-sinks doctor: 1 sink would activate");
    expect(r.stdout).toContain("logstash  IW_ELK_URL is set (@iw/sink-logstash)");
    expect(r.stdout).toMatch(/IW_ELK_PASSWORD +\*\*\*\*/);
    expect(r.stdout).toMatch(/IW_ELK_BATCH_SIZE +"200"/);
    expect(r.stdout).toContain("batches of 200 events / 1 MiB within 1 s");
    expect(r.stdout).toContain("redact mask (matches.matched_text)");
    expect(r.stdout).toMatch(/✓ connect +connected to 127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain("✓ http      POST [] → 200: accepted an empty batch (no event is created)");
    expect(r.stdout).toContain("! Basic auth is sent over plain http");
    expect(r.stdout).toContain("everything would work, with 1 warning");
    expect(r.stdout).not.toContain(PASSWORD);
    expect(ls.requests).toHaveLength(1);
    expect(ls.requests[0]!.status).toBe(200);
    expect(ls.events).toHaveLength(0);
  });

  it("fails on refused credentials, naming the variables to check and never the password", async () => {
    const ls = await track(startLogstashReceiver({ user: "elastic", password: PASSWORD }));
    const r = await run(["doctor", "--json"], { IW_ELK_URL: ls.url, IW_ELK_USER: "elastic", IW_ELK_PASSWORD: "wrong-password-1" });
    expect(r.code).toBe(1);
    const http = steps(report(r), "logstash").find((s) => s.check === "http")!;
    expect(http.status).toBe("fail");
    expect(http.detail).toBe(
      "POST [] → 401: the credentials were refused: check IW_ELK_USER / IW_ELK_PASSWORD, the user info of IW_ELK_URL or IW_ELK_HEADERS",
    );
    expect(r.stdout).not.toContain("wrong-password-1");
    expect(report(r).ok).toBe(false);
  });

  it("shows the certificate chain, its expiry and the name checked when the CA is right", async () => {
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } }));
    const r = await run(["doctor", "--json"], { IW_ELK_URL: ls.url, IW_ELK_CA_FILE: files.caFile });
    expect(r.code).toBe(0);
    const tls = steps(report(r), "logstash").find((s) => s.check === "tls")!;
    expect(tls.status).toBe("ok");
    expect(tls.tls).toMatchObject({ chain: ["CN=localhost", "CN=iw test CA"], checkedName: "127.0.0.1", authorized: true });
    expect(tls.tls!.daysLeft).toBeGreaterThanOrEqual(28);
    expect(tls.detail).toMatch(
      /^TLSv1\.3; chain: CN=localhost ← CN=iw test CA; valid until \d{4}-\d\d-\d\d \(\d+ days left\); name checked: 127\.0\.0\.1; trusted via IW_ELK_CA_FILE$/,
    );
  });

  it("fails with the verification error against a wrong CA, and with the name against a certificate for another host", async () => {
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } }));
    const wrongCa = await run(["doctor", "--json"], { IW_ELK_URL: ls.url, IW_ELK_CA_FILE: files.otherCaFile });
    expect(wrongCa.code).toBe(1);
    const tls = steps(report(wrongCa), "logstash").find((s) => s.check === "tls")!;
    expect(tls.status).toBe("fail");
    expect(tls.detail).toContain("the chain is not signed by a CA in IW_ELK_CA_FILE (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
    expect(steps(report(wrongCa), "logstash").map((s) => s.check)).toEqual(["connect", "tls"]);

    const other = await track(startLogstashReceiver({ tls: { cert: certs.serverWrongHost.cert, key: certs.serverWrongHost.key } }));
    const wrongName = await run(["doctor", "--json"], { IW_ELK_URL: other.url, IW_ELK_CA_FILE: files.caFile });
    expect(steps(report(wrongName), "logstash").find((s) => s.check === "tls")!.detail).toContain(
      "the certificate is not valid for the name 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)",
    );
  });

  it("fails on an expired certificate, and only warns when verification is off", async () => {
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.serverExpired.cert, key: certs.serverExpired.key } }));
    const on = await run(["doctor", "--json"], { IW_ELK_URL: ls.url, IW_ELK_CA_FILE: files.caFile });
    expect(on.code).toBe(1);
    expect(steps(report(on), "logstash").find((s) => s.check === "tls")!.detail).toMatch(
      /^the server certificate expired on \d{4}-\d\d-\d\d/,
    );
    const off = await run(["doctor", "--json"], { IW_ELK_URL: ls.url, IW_ELK_TLS_VERIFY: "false" });
    expect(off.code).toBe(0);
    const tls = steps(report(off), "logstash").find((s) => s.check === "tls")!;
    expect(tls.status).toBe("warn");
    expect(tls.detail).toContain("verification is off (IW_ELK_TLS_VERIFY=false) and it would fail:");
  });

  it("fails at once on a closed port", async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await run(["doctor", "--json"], { IW_ELK_URL: `http://127.0.0.1:${port}/` });
    expect(r.code).toBe(1);
    expect(steps(report(r), "logstash")).toMatchObject([
      {
        check: "connect",
        status: "fail",
        detail: `127.0.0.1:${port}: connection refused: nothing listens there (is the collector running, on this port?) (ECONNREFUSED)`,
      },
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("gives up on a blackholed port at the --timeout deadline", async () => {
    const ls = await track(startLogstashReceiver());
    await ls.setFault("blackhole");
    const started = Date.now();
    const r = await run(["doctor", "--timeout", "700ms", "--json"], { IW_ELK_URL: ls.url });
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(steps(report(r), "logstash").find((s) => s.check === "http")).toMatchObject({
      status: "fail",
      detail: "POST []: no HTTP answer within the 700 ms deadline (--timeout)",
    });
    expect(elapsed).toBeGreaterThanOrEqual(650);
    expect(elapsed).toBeLessThan(3000);
  });

  it("gives up on a TLS port that never answers the handshake", async () => {
    const ls = await track(startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } }));
    await ls.setFault("blackhole");
    const r = await run(["doctor", "--timeout", "600ms", "--json"], { IW_ELK_URL: ls.url, IW_ELK_CA_FILE: files.caFile });
    expect(steps(report(r), "logstash").find((s) => s.check === "tls")!.detail).toBe(
      "TLS handshake failed: no TLS handshake (the port does not speak TLS, or nothing answers) within the 600 ms deadline (--timeout)",
    );
  });

  it("reports an unresolvable host name", async () => {
    const r = await run(["doctor", "--json"], { IW_ELK_URL: "http://no-such-host.invalid:8080/" });
    expect(r.code).toBe(1);
    expect(steps(report(r), "logstash")[0]).toMatchObject({ check: "dns", status: "fail" });
    expect(steps(report(r), "logstash")[0]!.detail).toMatch(
      /^no-such-host\.invalid: the (name does not resolve \(ENOTFOUND\)|DNS server did not answer \(EAI_AGAIN\))/,
    );
  });
});

describe("doctor: Fluentd", () => {
  it("runs the <security> handshake with the shared key and checks the server's answer", async () => {
    const fd = await track(startFluentdReceiver({ security: { sharedKey: SHARED_KEY, selfHostname: "collector-1" } }));
    const r = await run(["doctor"], { IW_FLUENTD_URL: fd.url, IW_FLUENTD_SHARED_KEY: SHARED_KEY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ handshake handshake accepted by collector-1 (shared key checked both ways)");
    expect(r.stdout).not.toContain(SHARED_KEY);
    expect(fd.handshakes).toMatchObject([{ ok: true }]);
    expect(fd.records).toHaveLength(0);
  });

  it("fails on a wrong shared key with Fluentd's reason, and when Fluent Bit just closes", async () => {
    for (const flavour of ["fluentd", "fluent-bit"] as const) {
      const fd = await track(startFluentdReceiver({ flavour, security: { sharedKey: SHARED_KEY } }));
      const r = await run(["doctor", "--json"], { IW_FLUENTD_URL: fd.url, IW_FLUENTD_SHARED_KEY: "not-the-shared-key" });
      expect(r.code).toBe(1);
      const detail = steps(report(r), "fluentd").find((s) => s.check === "handshake")!.detail;
      expect(detail).toBe(
        flavour === "fluentd"
          ? "the server refused the handshake (shared_key mismatch): check IW_FLUENTD_SHARED_KEY"
          : "the server closed the connection after PING: IW_FLUENTD_SHARED_KEY (or the user) was refused (Fluent Bit closes without a reason)",
      );
      expect(r.stdout).not.toContain("not-the-shared-key");
    }
  });

  it("checks a user's password", async () => {
    const fd = await track(
      startFluentdReceiver({ security: { sharedKey: SHARED_KEY, users: [{ username: "iw", password: "user-pass-1" }] } }),
    );
    const env = { IW_FLUENTD_URL: fd.url, IW_FLUENTD_SHARED_KEY: SHARED_KEY, IW_FLUENTD_USERNAME: "iw" };
    expect((await run(["doctor"], { ...env, IW_FLUENTD_PASSWORD: "user-pass-1" })).code).toBe(0);
    const wrong = await run(["doctor", "--json"], { ...env, IW_FLUENTD_PASSWORD: "user-pass-2" });
    expect(steps(report(wrong), "fluentd").find((s) => s.check === "handshake")!.detail).toBe(
      "the server refused the handshake (username/password mismatch): check IW_FLUENTD_USERNAME and IW_FLUENTD_PASSWORD",
    );
  });

  it("says a shared key is missing when the server sends HELO, and that <security> is missing when it does not", async () => {
    const secured = await track(startFluentdReceiver({ security: { sharedKey: SHARED_KEY } }));
    const noKey = await run(["doctor", "--json"], { IW_FLUENTD_URL: secured.url });
    expect(noKey.code).toBe(1);
    expect(steps(report(noKey), "fluentd").find((s) => s.check === "handshake")!.detail).toContain(
      "the server asks for the <security> handshake (HELO): set IW_FLUENTD_SHARED_KEY",
    );
    const open = await track(startFluentdReceiver());
    const extraKey = await run(["doctor", "--json"], { IW_FLUENTD_URL: open.url, IW_FLUENTD_SHARED_KEY: SHARED_KEY });
    expect(extraKey.code).toBe(1);
    expect(steps(report(extraKey), "fluentd").find((s) => s.check === "handshake")!.detail).toContain(
      "no HELO within 1000 ms, but IW_FLUENTD_SHARED_KEY is set",
    );
    const plain = await run(["doctor", "--json"], { IW_FLUENTD_URL: open.url });
    expect(plain.code).toBe(0);
  });

  it("checks tls:// with the CA, and OPTIONS on in_http", async () => {
    const fd = await track(startFluentdReceiver({ transport: "tls", tls: { cert: certs.server.cert, key: certs.server.key }, http: true }));
    const tls = await run(["doctor", "--json"], { IW_FLUENTD_URL: fd.url, IW_FLUENTD_CA_FILE: files.caFile });
    expect(tls.code).toBe(0);
    expect(steps(report(tls), "fluentd").map((s) => `${s.check}:${s.status}`)).toEqual(["connect:ok", "tls:ok", "handshake:ok"]);
    const http = await run(["doctor", "--json"], { IW_FLUENTD_URL: fd.httpUrl });
    expect(steps(report(http), "fluentd").map((s) => s.check)).toEqual(["connect", "http"]);
  });
});

describe("doctor: webhook", () => {
  it("counts any answer to OPTIONS as reachable, and names each named instance", async () => {
    const wh = await track(startWebhookReceiver({ secrets: [SECRET] }));
    const r = await run(["doctor"], {
      IW_WEBHOOK_URL: wh.url,
      IW_WEBHOOK_SECRET: SECRET,
      IW_WEBHOOK_SOC_URL: wh.url,
      IW_WEBHOOK_SOC_EVENTS: "audit",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ http      OPTIONS → 405: reachable");
    expect(r.stdout).toContain("webhook:soc  IW_WEBHOOK_SOC_URL is set (named instance soc)");
    expect(r.stdout).toContain("events audit");
    expect(r.stdout).not.toContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(wh.events).toHaveLength(0);
  });

  it("warns on a 404: the path may be wrong", async () => {
    const wh = await track(startWebhookReceiver());
    const r = await run(["doctor", "--json"], { IW_WEBHOOK_URL: wh.url.replace("/hook", "/hooks") });
    expect(steps(report(r), "webhook").find((s) => s.check === "http")).toMatchObject({
      status: "warn",
      detail: "OPTIONS → 404: no such path here: is the URL's path right?",
    });
  });
});

describe("doctor: configuration", () => {
  it("lists each problem with its variable, says which sink would not start, and exits 1", async () => {
    const r = await run(["doctor", "--offline"], {
      IW_ELK_URL: "http://127.0.0.1:9/",
      IW_FLUENTD_URL: "tcp://127.0.0.1:9",
      IW_FLUENTD_TAG: "not a tag",
      IW_REDCAT: "mask",
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fluentd  IW_FLUENTD_URL is set (@iw/sink-fluentd) — would not start");
    expect(r.stdout).toContain('✗ IW_FLUENTD_TAG="not a tag" is invalid: ');
    expect(r.stdout).toContain("! IW_REDCAT is not a variable @iw/core or any sink reads, so it has no effect; did you mean IW_REDACT?");
    expect(r.stdout).toContain("would not work: fluentd (offline: no destination was contacted) (exit 1)");
  });

  it("lists every variable in --json, set or not, with the default of those unset", async () => {
    const r = await run(["doctor", "--offline", "--json"], { IW_ELK_URL: "http://u:pa55word-x@127.0.0.1:9/" });
    const sink = report(r).sinks[0]!;
    expect(sink.settings.find((s) => s.variable === "IW_ELK_URL")!.value).toBe('"http://***@127.0.0.1:9/"');
    expect(sink.settings.find((s) => s.variable === "IW_ELK_METHOD")).toMatchObject({
      value: null,
      default: expect.stringContaining("default POST") as unknown,
    });
    expect(r.stdout).not.toContain("pa55word-x");
  });

  it("names a plugin that is not installed and the command to install it", async () => {
    const r = await run(["doctor", "--offline"], { IW_SINK_PLUGINS: "@acme/iw-sink-splunk", IW_ELK_URL: "http://127.0.0.1:9/" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ IW_SINK_PLUGINS is set but @acme\/iw-sink-splunk is not installed: .*add @acme\/iw-sink-splunk/);
  });

  it("says when no sink would activate", async () => {
    const r = await run(["doctor"], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "no sink would activate: set IW_ELK_URL (@iw/sink-logstash), IW_FLUENTD_URL (@iw/sink-fluentd), IW_WEBHOOK_URL (@iw/sink-webhook)",
    );
  });

  it("says strict mode would stop the host", async () => {
    const r = await run(["doctor", "--offline", "--json"], {
      IW_ELK_URL: "http://127.0.0.1:9/",
      IW_ELK_BATCH_SIZE: "0",
      IW_SINKS_STRICT: "1",
    });
    expect(report(r).strict).toBe(true);
    expect(report(r).problems).toContainEqual({
      level: "error",
      variable: "IW_SINKS_STRICT",
      message: "IW_SINKS_STRICT is on: with these errors activate() rejects and the host does not start",
    });
  });

  it("checks only the sinks named by --sink", async () => {
    const r = await run(["doctor", "--offline", "--json", "--sink", "webhook:soc"], {
      IW_ELK_URL: "http://127.0.0.1:9/",
      IW_WEBHOOK_SOC_URL: "http://127.0.0.1:9/hook",
    });
    expect(report(r).sinks.map((s) => s.name)).toEqual(["webhook:soc"]);
    const unknown = await run(["doctor", "--offline", "--sink", "splunk"], { IW_ELK_URL: "http://127.0.0.1:9/" });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("--sink splunk: no such sink in this environment (sinks: logstash)");
  });

  it("warns that redaction is off", async () => {
    const r = await run(["doctor", "--offline"], { IW_ELK_URL: "http://127.0.0.1:9/", IW_REDACT: "off" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("! sink logstash ships scan logs unredacted (redact: off)");
  });
});
