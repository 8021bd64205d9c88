import { hostname } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { activate, IwConfigError, type Dispatcher } from "@iw/core";
import { generateTestCertificates, writeTestCertificates, type TestCertificateFiles } from "@iw/testkit";
import { createSyslogSink, plugin, type SyslogFormat, type SyslogSinkOptions } from "../src/index.js";
import { syslogOptions } from "../src/options.js";
import { resolveOptions } from "../src/resolve-options.js";
import { printableAscii } from "../src/text.js";
import { recordingLogger } from "./helpers.js";

function configError(fn: () => unknown): IwConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IwConfigError);
    return err as IwConfigError;
  }
  throw new Error("expected an IwConfigError");
}

/** The issues of the variables, as the plugin's options schema reports them: `VARIABLE: reason`. */
function envIssues(env: Record<string, string>): string[] {
  const r = plugin.options.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`);
}

let files: TestCertificateFiles;
beforeAll(async () => {
  files = await writeTestCertificates(await generateTestCertificates());
});
afterAll(async () => {
  await files.cleanup();
});

describe("syslogOptions", () => {
  it("applies every default once, the transport's among them", () => {
    const o = resolveOptions({ url: "udp://siem.example" });
    expect(o).toMatchObject({
      name: "syslog",
      envPrefix: "IW_SYSLOG",
      format: "rfc5424",
      header: "rfc5424",
      framing: undefined,
      facility: 16,
      auditFacility: 16,
      appName: "inferwall",
      hostname: printableAscii(hostname(), 255),
      enterpriseId: "32473",
      maxMessageBytes: 2048,
      vendor: "InferenceWall",
      product: "InferenceWall",
      productVersion: "1.0",
      ca: undefined,
      cert: undefined,
      key: undefined,
      tlsVerify: true,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 30_000,
      keepAliveMs: 30_000,
    });
    expect(resolveOptions({ url: "tls://siem.example" })).toMatchObject({ framing: "octet-counting", maxMessageBytes: 8192 });
    // CEF and LEEF take the configured header; RFC 5424 and RFC 3164 are their own.
    expect(resolveOptions({ url: "udp://h", format: "cef", header: "rfc3164" }).header).toBe("rfc3164");
    expect(resolveOptions({ url: "udp://h", format: "rfc3164" }).header).toBe("rfc3164");
    expect(resolveOptions({ url: "udp://h", facility: 4 })).toMatchObject({ facility: 4, auditFacility: 4 });
    expect(resolveOptions({ url: "udp://h", facility: 4, auditFacility: 13 })).toMatchObject({ facility: 4, auditFacility: 13 });
  });

  it("takes a URL object and an IPv6 literal, and names the destination without brackets lost", () => {
    const o = resolveOptions({ url: new URL("tls://[::1]:7000") });
    expect(o.target).toMatchObject({ kind: "tls", host: "::1", port: 7000 });
    expect(o.what).toBe("Syslog tls://[::1]:7000");
  });

  it("is the whole configuration: one variable per option, derived from its name, and no secrets", () => {
    expect(Object.keys(syslogOptions.options)).toEqual([
      "url",
      "format",
      "header",
      "framing",
      "facility",
      "auditFacility",
      "appName",
      "hostname",
      "enterpriseId",
      "maxMessageBytes",
      "vendor",
      "product",
      "productVersion",
      "ca",
      "cert",
      "key",
      "tlsVerify",
      "connectTimeoutMs",
      "idleTimeoutMs",
      "keepAliveMs",
    ]);
    expect(syslogOptions.variable("maxMessageBytes")).toBe("IW_SYSLOG_MAX_MESSAGE_BYTES");
    expect(syslogOptions.variable("auditFacility", "IW_SYSLOG_SOC")).toBe("IW_SYSLOG_SOC_AUDIT_FACILITY");
    expect(syslogOptions.variable("ca")).toBe("IW_SYSLOG_CA_FILE");
    expect(syslogOptions.variable("tlsVerify")).toBe("IW_SYSLOG_TLS_VERIFY");
    expect(syslogOptions.variable("idleTimeoutMs")).toBe("idleTimeoutMs");
    expect(syslogOptions.secrets).toEqual([]);
    expect(plugin.secrets).toEqual([]);
  });

  it("has the flat TLS options of every sink, and no nested tls", () => {
    expectTypeOf<SyslogSinkOptions>().toHaveProperty("ca");
    expectTypeOf<SyslogSinkOptions>().toHaveProperty("cert");
    expectTypeOf<SyslogSinkOptions>().toHaveProperty("key");
    expectTypeOf<SyslogSinkOptions>().toHaveProperty("tlsVerify");
    expectTypeOf<SyslogSinkOptions>().not.toHaveProperty("tls");
    expectTypeOf<SyslogSinkOptions["url"]>().toEqualTypeOf<string | URL>();
    expectTypeOf<SyslogSinkOptions["facility"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SyslogFormat>().toEqualTypeOf<"rfc5424" | "rfc3164" | "cef" | "leef">();
  });

  it("refuses a blank CEF/LEEF field from code (a blank variable is unset: the default)", () => {
    const e = configError(() => createSyslogSink({ url: "udp://h", product: "  " }));
    expect(e.message).toBe(
      `IW_SYSLOG_PRODUCT is blank (it goes into the CEF and LEEF headers); expected CEF/LEEF Device Product; default InferenceWall`,
    );
    expect(resolveOptions(plugin.options.parse({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_PRODUCT: "  " })).product).toBe("InferenceWall");
    expect(resolveOptions({ url: "udp://h", product: "" }).product).toBe("InferenceWall");
  });

  it("takes a facility as its number in code, and says so for a name", () => {
    const e = configError(() => createSyslogSink({ url: "udp://h", facility: "local0" as unknown as number }));
    expect(e.variable).toBe("IW_SYSLOG_FACILITY");
    expect(e.message).toMatch(
      /^IW_SYSLOG_FACILITY is invalid: not a whole number from 0 to 23 \(in code a facility is its number: local0 is 16\)/,
    );
  });

  it("allows idleTimeoutMs 0 (never), and names code-only options by their own name", () => {
    expect(resolveOptions({ url: "tcp://h", idleTimeoutMs: 0 }).idleTimeoutMs).toBe(0);
    const e = configError(() => createSyslogSink({ url: "tcp://h", keepAliveMs: 0 }));
    expect(e.variable).toBe("keepAliveMs");
    expect(e.message).toMatch(/^keepAliveMs is invalid: out of range or not a whole number; expected a whole number from 1 to 3600000 ms/);
    expect(configError(() => createSyslogSink({ url: "tcp://h", idleTimeoutMs: 1.5 })).message).toMatch(
      /^idleTimeoutMs is invalid: .*; expected a whole number from 0 \(never\)/,
    );
  });
});

describe("options in code and variables run the same checks, in the same words", () => {
  // [label, options in code, the same as variables, the variable named, the reason in code where it must differ]
  const cases: [string, () => SyslogSinkOptions, () => Record<string, string>, string, string?][] = [
    ["a scheme other than udp, tcp or tls", () => ({ url: "http://h" }), () => ({ IW_SYSLOG_URL: "http://h" }), "IW_SYSLOG_URL"],
    ["text that is no URL", () => ({ url: "siem" }), () => ({ IW_SYSLOG_URL: "siem" }), "IW_SYSLOG_URL"],
    ["credentials", () => ({ url: "tcp://u:pw@h" }), () => ({ IW_SYSLOG_URL: "tcp://u:pw@h" }), "IW_SYSLOG_URL"],
    ["a path", () => ({ url: "tcp://h/x" }), () => ({ IW_SYSLOG_URL: "tcp://h/x" }), "IW_SYSLOG_URL"],
    ["several URLs", () => ({ url: "udp://a,udp://b" }), () => ({ IW_SYSLOG_URL: "udp://a,udp://b" }), "IW_SYSLOG_URL"],
    [
      "TLS files with a plain URL",
      () => ({ url: "tcp://h", ca: "PEM" }),
      () => ({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_CA_FILE: files.caFile }),
      "IW_SYSLOG_URL",
    ],
    [
      "a certificate without its key",
      () => ({ url: "tls://h", cert: "PEM" }),
      () => ({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_CERT_FILE: files.clientCertFile }),
      "IW_SYSLOG_KEY_FILE",
    ],
    [
      "a key without its certificate",
      () => ({ url: "tls://h", key: "PEM" }),
      () => ({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_KEY_FILE: files.clientKeyFile }),
      "IW_SYSLOG_CERT_FILE",
    ],
    [
      "framing over UDP",
      () => ({ url: "udp://h", framing: "octet-counting" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FRAMING: "octet-counting" }),
      "IW_SYSLOG_FRAMING",
    ],
    [
      "non-transparent framing over TLS",
      () => ({ url: "tls://h", framing: "non-transparent" }),
      () => ({ IW_SYSLOG_URL: "tls://h", IW_SYSLOG_FRAMING: "non-transparent" }),
      "IW_SYSLOG_FRAMING",
    ],
    [
      "a header with a format that has its own",
      () => ({ url: "udp://h", format: "rfc5424", header: "rfc3164" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FORMAT: "rfc5424", IW_SYSLOG_HEADER: "rfc3164" }),
      "IW_SYSLOG_HEADER",
    ],
    [
      "a facility above 23",
      () => ({ url: "udp://h", auditFacility: 24 }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_AUDIT_FACILITY: "24" }),
      "IW_SYSLOG_AUDIT_FACILITY",
      // In code a facility is a number, never a name: the reason says so.
      "not a whole number from 0 to 23 (in code a facility is its number: local0 is 16)",
    ],
    [
      "a message size above the UDP maximum",
      () => ({ url: "udp://h", maxMessageBytes: 65_508 }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "65508" }),
      "IW_SYSLOG_MAX_MESSAGE_BYTES",
    ],
    [
      "a message size below 480 bytes",
      () => ({ url: "tcp://h", maxMessageBytes: 479 }),
      () => ({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "479" }),
      "IW_SYSLOG_MAX_MESSAGE_BYTES",
    ],
    [
      "a message size above the stream maximum",
      () => ({ url: "tcp://h", maxMessageBytes: 1_048_577 }),
      () => ({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_MAX_MESSAGE_BYTES: "1048577" }),
      "IW_SYSLOG_MAX_MESSAGE_BYTES",
    ],
    [
      "an app name with a space",
      () => ({ url: "udp://h", appName: "my app" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_APP_NAME: "my app" }),
      "IW_SYSLOG_APP_NAME",
    ],
    [
      "a host name with a line break",
      () => ({ url: "udp://h", hostname: "fw\nX" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_HOSTNAME: "fw\nX" }),
      "IW_SYSLOG_HOSTNAME",
    ],
    [
      "an enterprise id that is no number",
      () => ({ url: "udp://h", enterpriseId: "acme" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_ENTERPRISE_ID: "acme" }),
      "IW_SYSLOG_ENTERPRISE_ID",
    ],
    [
      "a vendor with a |",
      () => ({ url: "udp://h", vendor: "A|B" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_VENDOR: "A|B" }),
      "IW_SYSLOG_VENDOR",
    ],
    [
      "a product with a control character",
      () => ({ url: "udp://h", product: "IW\u0007" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_PRODUCT: "IW\u0007" }),
      "IW_SYSLOG_PRODUCT",
    ],
    [
      "a connect timeout of 0",
      () => ({ url: "tcp://h", connectTimeoutMs: 0 }),
      () => ({ IW_SYSLOG_URL: "tcp://h", IW_SYSLOG_CONNECT_TIMEOUT_MS: "0" }),
      "IW_SYSLOG_CONNECT_TIMEOUT_MS",
    ],
    [
      "an unknown format",
      () => ({ url: "udp://h", format: "gelf" as "cef" }),
      () => ({ IW_SYSLOG_URL: "udp://h", IW_SYSLOG_FORMAT: "gelf" }),
      "IW_SYSLOG_FORMAT",
      // Activation shows a variable's value beside the reason; in code the reason quotes it.
      '"gelf" is not one of the allowed values',
    ],
  ];

  it.each(cases)("%s", (label, code, env, variable, codeReason) => {
    const e = configError(() => createSyslogSink(code()));
    expect(e.variable).toBe(variable);
    const [issue, ...more] = envIssues(env());
    expect(more).toEqual([]);
    expect(issue?.startsWith(`${variable}: `), `${label}: ${issue}`).toBe(true);
    // The same check said the same: `IW_X is invalid: <reason>; expected <form>` or `IW_X <verb phrase>; expected <form>`.
    const name = Object.keys(syslogOptions.options).find((n) => syslogOptions.variable(n as "url") === variable) as "url";
    const form = syslogOptions.options[name].form.replaceAll("<PREFIX>", "IW_SYSLOG");
    const reason = codeReason ?? issue!.slice(variable.length + 2);
    const said = /^(is|has|holds|sets|carries|contains|needs|names) /.test(reason) ? reason : `is invalid: ${reason}`;
    expect(e.message).toBe(`${variable} ${said}; expected ${form}`);
    expect(e.message).not.toContain("pw");
  });
});

describe("a named instance's errors name its own variables", () => {
  let iw: Dispatcher | undefined;
  afterEach(async () => {
    await iw?.close(500);
    iw = undefined;
  });

  it.each<[SyslogSinkOptions, RegExp]>([
    [{ url: "ftp://h" }, /^IW_SYSLOG_SOC_URL has scheme ftp:/],
    [{ url: "udp://a,udp://b" }, /^IW_SYSLOG_SOC_URL holds several URLs; give one \(use a named instance, IW_SYSLOG_SOC_<NAME>_URL/],
    [
      { url: "tcp://h", cert: "C", key: "K" },
      /^IW_SYSLOG_SOC_URL is invalid: tcp:\/\/ while TLS files are set \(IW_SYSLOG_SOC_CERT_FILE, IW_SYSLOG_SOC_KEY_FILE\)/,
    ],
    [
      { url: "tls://h", key: "K" },
      /^IW_SYSLOG_SOC_CERT_FILE is unset while IW_SYSLOG_SOC_KEY_FILE is set, which needs it; expected PEM client certificate for mutual TLS \(with IW_SYSLOG_SOC_KEY_FILE\)/,
    ],
    [{ url: "udp://h", header: "rfc3164" }, /^IW_SYSLOG_SOC_HEADER is invalid: only applies to IW_SYSLOG_SOC_FORMAT=cef or leef/],
    [{ url: "udp://h", maxMessageBytes: 70_000 }, /^IW_SYSLOG_SOC_MAX_MESSAGE_BYTES is invalid: too large for udp:\/\//],
    [{ url: "udp://h", facility: 99 }, /^IW_SYSLOG_SOC_FACILITY is invalid: /],
    [
      { url: "udp://h", auditFacility: -1 },
      /^IW_SYSLOG_SOC_AUDIT_FACILITY is invalid: .*; expected .*of audit events; default IW_SYSLOG_SOC_FACILITY$/,
    ],
  ])("in code: %j", (options, message) => {
    const e = configError(() => createSyslogSink({ ...options, envPrefix: "IW_SYSLOG_SOC", name: "syslog:soc" }));
    expect(e.message).toMatch(message);
    expect(e.variable).toMatch(/^IW_SYSLOG_SOC_/);
  });

  it("names itself when created", async () => {
    const soc = createSyslogSink({ url: "udp://127.0.0.1:9", name: "syslog:soc", envPrefix: "IW_SYSLOG_SOC" });
    const base = createSyslogSink({ url: "udp://127.0.0.1:9" });
    expect([soc.name, base.name]).toEqual(["syslog:soc", "syslog"]);
    await Promise.all([soc.close(), base.close()]);
  });

  it("from variables: a rule across options names the instance's variables", async () => {
    const logger = recordingLogger();
    iw = await activate({
      env: { IW_SYSLOG_SOC_URL: "udp://127.0.0.1:9", IW_SYSLOG_SOC_HEADER: "rfc3164" },
      plugins: [plugin],
      logger,
    });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(
      /IW_SYSLOG_SOC_HEADER="rfc3164" is invalid: only applies to IW_SYSLOG_SOC_FORMAT=cef or leef \(the rfc5424 format is its own header\)/,
    );
    expect(logger.text()).not.toMatch(/IW_SYSLOG_HEADER|IW_SYSLOG_FORMAT/);
  });

  it("from variables: a certificate without its key, and TLS files with a plain URL", async () => {
    const logger = recordingLogger();
    iw = await activate({
      env: {
        IW_SYSLOG_SOC_URL: "tls://127.0.0.1:9",
        IW_SYSLOG_SOC_CERT_FILE: files.clientCertFile,
        IW_SYSLOG_SIEM_URL: "tcp://127.0.0.1:9",
        IW_SYSLOG_SIEM_CA_FILE: files.caFile,
      },
      plugins: [plugin],
      logger,
    });
    expect(iw.enabled).toBe(false);
    expect(logger.text()).toMatch(/IW_SYSLOG_SOC_KEY_FILE=.* is invalid: is unset while IW_SYSLOG_SOC_CERT_FILE is set, which needs it/);
    expect(logger.text()).toMatch(
      /IW_SYSLOG_SIEM_URL="tcp:\/\/127\.0\.0\.1:9" is invalid: tcp:\/\/ while TLS files are set \(IW_SYSLOG_SIEM_CA_FILE\)/,
    );
  });
});
