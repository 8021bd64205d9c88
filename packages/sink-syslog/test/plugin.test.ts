import { afterEach, describe, expect, it } from "vitest";
import { activate, type Dispatcher } from "@iw/core";
import { generateTestCertificates, writeTestCertificates, type TestCertificateFiles } from "@iw/testkit";
import { plugin, type SyslogSinkOptions } from "../src/index.js";
import { resolveOptions } from "../src/resolve-options.js";
import { recordingLogger } from "./helpers.js";

const parse = (env: Record<string, string>) => plugin.options.safeParse(env);
const issues = (env: Record<string, string>) => {
  const r = parse(env);
  return r.success ? [] : r.error.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`);
};

let files: TestCertificateFiles | undefined;
let iw: Dispatcher | undefined;
afterEach(async () => {
  await iw?.close(500);
  await files?.cleanup();
  iw = undefined;
  files = undefined;
});

describe("IW_SYSLOG_* variables", () => {
  it("needs only IW_SYSLOG_URL: RFC 5424, octet counting, local0, inferwall, 2048 bytes over UDP and 8192 over TCP", () => {
    const r = parse({ IW_SYSLOG_URL: "udp://siem.example" });
    expect(r.success).toBe(true);
    const o = resolveOptions(r.data as SyslogSinkOptions);
    expect(o).toMatchObject({
      format: "rfc5424",
      framing: undefined,
      facility: 16,
      auditFacility: 16,
      appName: "inferwall",
      enterpriseId: "32473",
      maxMessageBytes: 2048,
    });
    expect(o.target).toEqual({ kind: "udp", host: "siem.example", port: 514 });
    const tcp = resolveOptions(parse({ IW_SYSLOG_URL: "tcp://[::1]" }).data as SyslogSinkOptions);
    expect(tcp).toMatchObject({ framing: "octet-counting", maxMessageBytes: 8192, what: "Syslog tcp://[::1]:514" });
    expect(resolveOptions(parse({ IW_SYSLOG_URL: "tls://siem.example" }).data as SyslogSinkOptions).target).toMatchObject({
      kind: "tls",
      port: 6514,
      verify: true,
    });
  });

  it("reads facilities by name or number, and a separate one for audit events", () => {
    const o = resolveOptions(
      parse({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FACILITY: "LOCAL4", IW_SYSLOG_AUDIT_FACILITY: "authpriv" }).data as SyslogSinkOptions,
    );
    expect([o.facility, o.auditFacility]).toEqual([20, 10]);
    expect(resolveOptions(parse({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FACILITY: "13" }).data as SyslogSinkOptions).auditFacility).toBe(13);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FACILITY: "local8" })).toEqual([
      "IW_SYSLOG_FACILITY: not a facility name or a whole number from 0 to 23",
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_AUDIT_FACILITY: "24" })).toEqual([
      "IW_SYSLOG_AUDIT_FACILITY: not a facility name or a whole number from 0 to 23",
    ]);
  });

  it("refuses what cannot work, naming the variable", () => {
    expect(issues({ IW_SYSLOG_URL: "http://h" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_URL: has scheme http:, not udp:\/\/, tcp:\/\/ or tls:\/\/$/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "siem.example:514" })).toEqual([expect.stringMatching(/^IW_SYSLOG_URL: has scheme siem\.example:/)]);
    expect(issues({ IW_SYSLOG_URL: "not a url" })).toEqual(["IW_SYSLOG_URL: not an absolute URL"]);
    expect(issues({ IW_SYSLOG_URL: "tcp://user:pw@h" })).toEqual([expect.stringMatching(/^IW_SYSLOG_URL: carries credentials/)]);
    expect(issues({ IW_SYSLOG_URL: "tcp://user:pw@h" }).join()).not.toContain("pw");
    expect(issues({ IW_SYSLOG_URL: "tcp://h/path" })).toEqual([expect.stringMatching(/^IW_SYSLOG_URL: has a path, query or fragment/)]);
    expect(issues({ IW_SYSLOG_URL: "udp://a:514,udp://b:514" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_URL: holds several URLs; give one \(use a named instance, IW_SYSLOG_<NAME>_URL/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FRAMING: "octet-counting" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_FRAMING: only applies to tcp:\/\/ and tls:\/\//),
    ]);
    expect(issues({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_FRAMING: "non-transparent" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_FRAMING: must be octet-counting over tls:\/\/ \(RFC 5425/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_FRAMING: "octet-counting" })).toEqual([]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "70000" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_MAX_MESSAGE_BYTES: too large for udp:\/\/: 480 to 65507 over udp/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "65507" })).toEqual([]);
    expect(issues({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "70000" })).toEqual([]);
    expect(issues({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "1048577" })).toEqual([
      "IW_SYSLOG_MAX_MESSAGE_BYTES: out of range or not a whole number",
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "100" })).toEqual([expect.stringMatching(/out of range/)]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_ENTERPRISE_ID: "acme" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_ENTERPRISE_ID: not a private enterprise number/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_ENTERPRISE_ID: "1.2.3.4.5.6.7.8.9.10.11.12" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_ENTERPRISE_ID: .*at most 22 characters/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_APP_NAME: "my app" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_APP_NAME: not 1 to 48 printable ASCII/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_APP_NAME: "a".repeat(49) })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_APP_NAME: not 1 to 48 printable ASCII/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_VENDOR: "A|B" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_VENDOR: contains \|, \\ or a control character/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_PRODUCT_VERSION: "1.0\\2" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_PRODUCT_VERSION: contains \|, \\ or a control character/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_HEADER: "rfc3164" })).toEqual([
      expect.stringMatching(/^IW_SYSLOG_HEADER: only applies to IW_SYSLOG_FORMAT=cef or leef/),
    ]);
    expect(issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FORMAT: "cef", IW_SYSLOG_HEADER: "rfc3164" })).toEqual([]);
  });

  it("reads TLS files, refuses them on a plain URL, and wants a certificate and its key together", async () => {
    files = await writeTestCertificates(await generateTestCertificates());
    const ok = parse({
      IW_SYSLOG_URL: "tls://h",
      IW_SYSLOG_CA_FILE: files.caFile,
      IW_SYSLOG_CERT_FILE: files.clientCertFile,
      IW_SYSLOG_KEY_FILE: files.clientKeyFile,
    });
    expect(ok.success).toBe(true);
    const o = ok.data as SyslogSinkOptions;
    expect(Buffer.from(o.ca ?? "").toString()).toContain("BEGIN CERTIFICATE");
    expect(Buffer.from(o.key ?? "").toString()).toContain("PRIVATE KEY");
    expect(resolveOptions(o).target).toMatchObject({ kind: "tls", verify: true, ca: o.ca, cert: o.cert, key: o.key });
    expect(
      resolveOptions(parse({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_TLS_VERIFY: "false" }).data as SyslogSinkOptions).target,
    ).toMatchObject({ kind: "tls", verify: false, ca: undefined });
    expect(issues({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_CA_FILE: files.caFile })).toEqual([
      "IW_SYSLOG_URL: tcp:// while TLS files are set (IW_SYSLOG_CA_FILE); use tls://",
    ]);
    expect(
      issues({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_CERT_FILE: files.clientCertFile, IW_SYSLOG_KEY_FILE: files.clientKeyFile }),
    ).toEqual(["IW_SYSLOG_URL: udp:// while TLS files are set (IW_SYSLOG_CERT_FILE, IW_SYSLOG_KEY_FILE); use tls://"]);
    expect(issues({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_CERT_FILE: files.clientCertFile })).toEqual([
      "IW_SYSLOG_KEY_FILE: is unset while IW_SYSLOG_CERT_FILE is set, which needs it",
    ]);
    expect(issues({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_KEY_FILE: files.clientKeyFile })).toEqual([
      "IW_SYSLOG_CERT_FILE: is unset while IW_SYSLOG_KEY_FILE is set, which needs it",
    ]);
  });

  it("leaves the sink off with one line naming the variable and the expected form, and the host keeps running", async () => {
    const logger = recordingLogger();
    iw = await activate({ env: { IW_SYSLOG_URL: "udp://127.0.0.1:9", IW_SYSLOG_FORMAT: "gelf" }, plugins: [plugin], logger });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(
      /IW_SYSLOG_FORMAT="gelf" is invalid: not one of the allowed values; expected one of rfc5424, rfc3164, cef, leef/,
    );
  });
});
