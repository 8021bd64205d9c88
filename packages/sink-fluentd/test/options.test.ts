import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import { createFluentdSink, plugin, type FluentdSinkOptions } from "../src/index.js";
import { fluentdOptions } from "../src/options.js";
import { resolveOptions } from "../src/resolve-options.js";

/*
 * Options given in code and IW_FLUENTD_* variables are one definition (`fluentdOptions`): the
 * same checks, the same rules across options, in the same words, naming the variable.
 */

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let dir: string;
let pemFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "iw-fluentd-options-"));
  pemFile = join(dir, "file.pem");
  await writeFile(pemFile, PEM);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The message `createFluentdSink(options)` throws (an `IwConfigError`), or "" when it builds a sink. */
async function codeProblem(options: FluentdSinkOptions): Promise<string> {
  let sink;
  try {
    sink = createFluentdSink(options);
  } catch (err) {
    expect(err).toBeInstanceOf(IwConfigError);
    return (err as Error).message;
  }
  await sink.close();
  return "";
}

/** `VARIABLE: reason` of every issue of the variables. */
function envIssues(env: Record<string, string>): string[] {
  const result = plugin.options.safeParse(env);
  return result.success ? [] : result.error.issues.map((i) => `${String(i.path?.[0])}: ${i.message}`);
}

type Case = readonly [what: string, code: FluentdSinkOptions, env: Record<string, string>, variable: string, reason: string];

const cases: Case[] = [
  [
    "a username without the shared key",
    { url: "tcp://fluentd:24224", username: "iw", password: "pw" },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_USERNAME: "iw", IW_FLUENTD_PASSWORD: "pw" },
    "IW_FLUENTD_SHARED_KEY",
    "is unset while IW_FLUENTD_USERNAME is set, which needs it",
  ],
  [
    "a username without a password",
    { url: "tcp://fluentd:24224", sharedKey: "k", username: "iw" },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_SHARED_KEY: "k", IW_FLUENTD_USERNAME: "iw" },
    "IW_FLUENTD_PASSWORD",
    "is unset while IW_FLUENTD_USERNAME is set, which needs it",
  ],
  [
    "a password without a username",
    { url: "tcp://fluentd:24224", sharedKey: "k", password: "pw" },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_SHARED_KEY: "k", IW_FLUENTD_PASSWORD: "pw" },
    "IW_FLUENTD_USERNAME",
    "is unset while IW_FLUENTD_PASSWORD is set, which needs it",
  ],
  [
    "gzip over unix://",
    { url: "unix:///var/run/fluentd.sock", compression: "gzip" },
    { IW_FLUENTD_URL: "unix:///var/run/fluentd.sock", IW_FLUENTD_COMPRESSION: "gzip" },
    "IW_FLUENTD_COMPRESSION",
    "is gzip, which is refused for unix://: Fluentd's in_unix reads PackedForward entries without decompressing them, so every event would be lost without an error, and a local socket gains nothing from compression; remove it",
  ],
  [
    "headers on a forward URL",
    { url: "tcp://fluentd:24224", headers: { "X-Tenant": "acme" } },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_HEADERS: "X-Tenant=acme" },
    "IW_FLUENTD_HEADERS",
    "only applies to http:// and https:// (in_http)",
  ],
  [
    "a client certificate without its key",
    { url: "tls://fluentd:24224", cert: PEM },
    { IW_FLUENTD_URL: "tls://fluentd:24224", IW_FLUENTD_CERT_FILE: "<pem>" },
    "IW_FLUENTD_KEY_FILE",
    "is unset while IW_FLUENTD_CERT_FILE is set, which needs it",
  ],
  [
    "a client key without its certificate",
    { url: "https://fluentd:9880", key: PEM },
    { IW_FLUENTD_URL: "https://fluentd:9880", IW_FLUENTD_KEY_FILE: "<pem>" },
    "IW_FLUENTD_CERT_FILE",
    "is unset while IW_FLUENTD_KEY_FILE is set, which needs it",
  ],
  [
    "TLS files with a tcp:// URL",
    { url: "tcp://fluentd:24224", ca: PEM },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_CA_FILE: "<pem>" },
    "IW_FLUENTD_URL",
    "is tcp:// but TLS files are set (IW_FLUENTD_CA_FILE); use tls:// or https://",
  ],
  [
    "TLS files with an http:// URL",
    { url: "http://fluentd:9880", cert: PEM, key: PEM },
    { IW_FLUENTD_URL: "http://fluentd:9880", IW_FLUENTD_CERT_FILE: "<pem>", IW_FLUENTD_KEY_FILE: "<pem>" },
    "IW_FLUENTD_URL",
    "is http:// but TLS files are set (IW_FLUENTD_CERT_FILE, IW_FLUENTD_KEY_FILE); use tls:// or https://",
  ],
  [
    "a shared key with in_http",
    { url: "http://fluentd:9880", sharedKey: "sup3r-secret-key" },
    { IW_FLUENTD_URL: "http://fluentd:9880", IW_FLUENTD_SHARED_KEY: "sup3r-secret-key" },
    "IW_FLUENTD_SHARED_KEY",
    "only applies to tcp://, tls:// and unix:// (in_http has no handshake)",
  ],
  [
    "credentials in a forward URL",
    { url: "tcp://iw:pw-in-url@fluentd:24224" },
    { IW_FLUENTD_URL: "tcp://iw:pw-in-url@fluentd:24224" },
    "IW_FLUENTD_URL",
    "carries credentials, which a forward URL has no use for; set IW_FLUENTD_USERNAME and IW_FLUENTD_PASSWORD (with IW_FLUENTD_SHARED_KEY) for in_forward's <security><user>",
  ],
  [
    "a query in a forward URL",
    { url: new URL("tcp://fluentd:24224/?token=Q") },
    { IW_FLUENTD_URL: "tcp://fluentd:24224/?token=Q" },
    "IW_FLUENTD_URL",
    "has a query or fragment (?… or #…), which tcp://, tls:// and unix:// have no use for; remove it (percent-encode a ? or # in a socket path)",
  ],
  [
    "a fragment in an in_http URL",
    { url: "http://fluentd:9880/#frag" },
    { IW_FLUENTD_URL: "http://fluentd:9880/#frag" },
    "IW_FLUENTD_URL",
    "has a fragment (#…), which is never sent: in_http would get POST / and lose the tag; remove it (a query is kept, after the tag)",
  ],
  [
    "an unsupported scheme",
    { url: "ftp://fluentd" },
    { IW_FLUENTD_URL: "ftp://fluentd" },
    "IW_FLUENTD_URL",
    "scheme ftp: is not supported",
  ],
  ["a unix:// URL without a path", { url: "unix://" }, { IW_FLUENTD_URL: "unix://" }, "IW_FLUENTD_URL", "no socket path"],
  [
    "several URLs",
    { url: "tcp://a:24224,tcp://b:24224" },
    { IW_FLUENTD_URL: "tcp://a:24224,tcp://b:24224" },
    "IW_FLUENTD_URL",
    "holds several URLs; give one (use a named instance, IW_FLUENTD_<NAME>_URL, for another destination)",
  ],
  [
    "a tag that is not dot-separated words",
    { url: "tcp://fluentd:24224", tag: "bad tag!" },
    { IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_TAG: "bad tag!" },
    "IW_FLUENTD_TAG",
    "not a dot-separated tag of letters, digits, _ and -",
  ],
  [
    "a header the HTTP client sets",
    { url: "http://fluentd:9880", headers: { Host: "x" } },
    { IW_FLUENTD_URL: "http://fluentd:9880", IW_FLUENTD_HEADERS: "Host=x" },
    "IW_FLUENTD_HEADERS",
    "sets Host, which the sink sets itself (the HTTP client manages it; a configured value would break the request framing); remove it",
  ],
];

/** How core words a reason: a verb phrase as it is, anything else after "is invalid:". */
const said = (reason: string) => (/^(is|has|holds|sets|carries|contains|needs|names) /.test(reason) ? reason : `is invalid: ${reason}`);
/** The expected form of the option read from `variable`, as its errors show it. */
function formOf(variable: string): string {
  const names = Object.keys(fluentdOptions.options) as (keyof typeof fluentdOptions.options)[];
  const name = names.find((n) => fluentdOptions.variable(n) === variable);
  if (name === undefined) throw new Error(`no option reads ${variable}`);
  return fluentdOptions.options[name].form.replaceAll("<PREFIX>", "IW_FLUENTD");
}

describe("options given in code run the checks of the IW_FLUENTD_* variables", () => {
  it.each(cases)("refuses %s, in the same words from code and from the variables", async (_what, code, env, variable, reason) => {
    expect(await codeProblem(code)).toBe(`${variable} ${said(reason)}; expected ${formOf(variable)}`);
    const files = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "<pem>" ? pemFile : v]));
    expect(envIssues(files)).toEqual([`${variable}: ${reason}`]);
  });

  it("never prints a secret or URL credentials in the message", async () => {
    expect(await codeProblem({ url: "http://fluentd:9880", sharedKey: "sup3r-secret-key" })).not.toContain("sup3r-secret-key");
    expect(await codeProblem({ url: "tcp://iw:pw-in-url@fluentd:24224" })).not.toContain("pw-in-url");
    expect(envIssues({ IW_FLUENTD_URL: "tcp://iw:pw-in-url@fluentd:24224" }).join()).not.toContain("pw-in-url");
  });

  it("reports every missing partner at once (a username without password nor shared key)", async () => {
    expect(await codeProblem({ url: "tcp://fluentd:24224", username: "iw" })).toBe(
      "IW_FLUENTD_PASSWORD is unset while IW_FLUENTD_USERNAME is set, which needs it; IW_FLUENTD_SHARED_KEY is unset while IW_FLUENTD_USERNAME is set, which needs it",
    );
    expect(envIssues({ IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_USERNAME: "iw" })).toEqual([
      "IW_FLUENTD_PASSWORD: is unset while IW_FLUENTD_USERNAME is set, which needs it",
      "IW_FLUENTD_SHARED_KEY: is unset while IW_FLUENTD_USERNAME is set, which needs it",
    ]);
  });

  it("names a named instance's variables (envPrefix), hints included", async () => {
    const eu = { envPrefix: "IW_FLUENTD_EU" } as const;
    expect(await codeProblem({ ...eu, url: "tcp://fluentd:24224", username: "iw", password: "pw" })).toMatch(
      /^IW_FLUENTD_EU_SHARED_KEY is unset while IW_FLUENTD_EU_USERNAME is set, which needs it; expected/,
    );
    expect(await codeProblem({ ...eu, url: "tcp://iw:pw@fluentd:24224" })).toMatch(
      /^IW_FLUENTD_EU_URL carries credentials, which a forward URL has no use for; set IW_FLUENTD_EU_USERNAME and IW_FLUENTD_EU_PASSWORD \(with IW_FLUENTD_EU_SHARED_KEY\)/,
    );
    expect(await codeProblem({ ...eu, url: "tcp://fluentd:24224", ca: PEM })).toMatch(
      /^IW_FLUENTD_EU_URL is tcp:\/\/ but TLS files are set \(IW_FLUENTD_EU_CA_FILE\); use tls:\/\/ or https:\/\//,
    );
    expect(await codeProblem({ ...eu, url: "unix:///run/fluentd.sock", compression: "gzip" })).toMatch(
      /^IW_FLUENTD_EU_COMPRESSION is gzip/,
    );
    expect(await codeProblem({ ...eu, url: "tcp://a:1,tcp://b:2" })).toMatch(/use a named instance, IW_FLUENTD_EU_<NAME>_URL/);
  });

  it("checks the types and bounds of values given in code as the variables' text", async () => {
    expect(await codeProblem({ url: "tcp://fluentd:24224", ack: "yes" as never })).toMatch(
      /^IW_FLUENTD_ACK is invalid: not a boolean; expected true or false/,
    );
    expect(await codeProblem({ url: "tcp://fluentd:24224", compression: "zstd" as never })).toMatch(
      /^IW_FLUENTD_COMPRESSION is invalid: "zstd" is not one of the allowed values; expected one of none, gzip; default none$/,
    );
    expect(await codeProblem({ url: 24224 as never })).toMatch(/^IW_FLUENTD_URL is invalid: not a URL or a string; expected/);
    expect(await codeProblem({} as never)).toMatch(/^IW_FLUENTD_URL is required; expected tcp:\/\/host:24224/);
    expect(await codeProblem({ url: "tcp://fluentd:24224", hostname: "fw\r\n1" })).toMatch(
      /^IW_FLUENTD_HOSTNAME contains CR, LF or NUL; expected our hostname in the handshake/,
    );
  });

  it("bounds the code-only timings, named by their option", async () => {
    expect(await codeProblem({ url: "tcp://fluentd:24224", keepAliveMs: 0 })).toBe(
      "keepAliveMs is invalid: out of range or not a whole number; expected a whole number from 1 to 3600000 ms; default 30000 ms",
    );
    expect(await codeProblem({ url: "tcp://fluentd:24224", idleTimeoutMs: -1 })).toMatch(/^idleTimeoutMs is invalid: out of range/);
    expect(await codeProblem({ url: "tcp://fluentd:24224", idleTimeoutMs: 0 })).toBe("");
  });

  it("accepts every form the variables accept: a URL as a string or a URL object, flat TLS options", async () => {
    expect(resolveOptions({ url: "tcp://fluentd:24224" }).url.href).toBe("tcp://fluentd:24224");
    expect(resolveOptions({ url: new URL("tcp://fluentd:24224") }).url.href).toBe("tcp://fluentd:24224");
    expect(resolveOptions({ url: "  http://fluentd:9880/in?token=Q " }).url.href).toBe("http://fluentd:9880/in?token=Q");
    // in_http takes URL credentials (basic auth), forward URLs do not.
    expect(resolveOptions({ url: "https://iw:pw@fluentd:9880" }).url.username).toBe("iw");
    const tls = resolveOptions({ url: "tls://fluentd:24224", ca: PEM, cert: PEM, key: Buffer.from(PEM), tlsVerify: false });
    expect(tls).toMatchObject({ ca: PEM, cert: PEM, tlsVerify: false });
    expect(await codeProblem({ url: "tls://127.0.0.1:9", ca: PEM, cert: PEM, key: PEM })).toBe("");
    expect(await codeProblem({ url: "https://127.0.0.1:9", ca: PEM })).toBe("");
  });

  it("applies the dependent defaults after the checks, in one place: ack by URL, hostname from the OS", () => {
    expect(resolveOptions({ url: "tcp://fluentd:24224" })).toMatchObject({
      ack: true,
      hostname: hostname(),
      tag: "inferwall",
      compression: "none",
      format: "iw",
      tlsVerify: true,
      headers: {},
      keepAliveMs: 30_000,
      idleTimeoutMs: 30_000,
      name: "fluentd",
      envPrefix: "IW_FLUENTD",
    });
    expect(resolveOptions({ url: "unix:///run/fluentd.sock" }).ack).toBe(false);
    expect(resolveOptions({ url: "unix:///run/fluentd.sock", ack: true }).ack).toBe(true);
    expect(resolveOptions({ url: "tcp://fluentd:24224", ack: false }).ack).toBe(false);
    expect(resolveOptions({ url: "tcp://fluentd:24224", hostname: "fw-1", tag: " fw.prod " })).toMatchObject({
      hostname: "fw-1",
      tag: "fw.prod",
    });
    expect(resolveOptions({ url: "tcp://fluentd:24224", hostname: "" }).hostname).toBe(hostname());
  });

  it("gives, from the variables, the options code would pass (defaults applied when the sink is made)", () => {
    const parsed = plugin.options.safeParse({ IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_TAG: "fw", IW_FLUENTD_CA_FILE: "" });
    expect(parsed.success && parsed.data).toEqual({ url: "tcp://fluentd:24224", tag: "fw" });
  });
});
