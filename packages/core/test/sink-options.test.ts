import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { activateWithReport, IwConfigError } from "@iw/core";
import { defineSinkOptions, defineSinkPlugin, option } from "@iw/core/sink-kit";
import type { Sink, SinkOptionsInput } from "@iw/core/sink-kit";
import { objectShape, describeField } from "../src/sink/index.js";

const test = defineSinkOptions({
  prefix: "IW_T",
  name: "t",
  options: {
    url: option.url({ schemes: ["http", "https"], form: "one http(s):// URL; required, activates the sink" }).required(),
    connectTimeoutMs: option.ms(5000, 1, 600_000),
    mode: option.enum(["fast", "safe"], "safe"),
    token: option.secret("a bearer token"),
    headers: option.headers(["content-type"]),
    ...option.tls("https:// endpoints"),
    retries: option.int(3, 0, 10).env(null),
    tenant: option.string("a tenant id").requires("token"),
  },
  rules(o, problem) {
    if (o.mode === "fast" && o.url.protocol === "https:") problem("mode", "is fast, which only applies to http:// URLs");
  },
});

function thrown(fn: () => unknown): IwConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IwConfigError);
    return err as IwConfigError;
  }
  throw new Error("expected an IwConfigError");
}

function issuesOf(env: Record<string, string>): { path: string; message: string }[] {
  const r = test.env.safeParse(env);
  expect(r.success).toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: String(i.path[0]), message: i.message }));
}

describe("defineSinkOptions", () => {
  it("derives each variable from its option name, in order, with its form; code-only options have none", () => {
    const shape = objectShape(test.env)!;
    expect(Object.keys(shape)).toEqual([
      "IW_T_URL",
      "IW_T_CONNECT_TIMEOUT_MS",
      "IW_T_MODE",
      "IW_T_TOKEN",
      "IW_T_HEADERS",
      "IW_T_CA_FILE",
      "IW_T_CERT_FILE",
      "IW_T_KEY_FILE",
      "IW_T_TLS_VERIFY",
      "IW_T_TENANT",
    ]);
    expect(describeField(shape["IW_T_CONNECT_TIMEOUT_MS"])).toBe("a whole number from 1 to 600000 ms; default 5000 ms");
    expect(describeField(shape["IW_T_KEY_FILE"])).toMatch(/^PEM private key of IW_T_CERT_FILE: path to a readable file/);
    expect(test.secrets).toEqual(["IW_T_TOKEN"]);
    expect(test.variable("retries")).toBe("retries");
    expect(test.variable("connectTimeoutMs", "IW_T_EU")).toBe("IW_T_EU_CONNECT_TIMEOUT_MS");
  });

  it("applies every default once, for code and for variables alike", () => {
    const fromCode = test.resolve({ url: "http://x:1/" });
    const fromEnv = test.resolve(test.env.parse({ IW_T_URL: "http://x:1/" }));
    for (const o of [fromCode, fromEnv]) {
      expect(o).toMatchObject({
        connectTimeoutMs: 5000,
        mode: "safe",
        retries: 3,
        tlsVerify: true,
        headers: {},
        name: "t",
        envPrefix: "IW_T",
      });
      expect(o.url).toBeInstanceOf(URL);
      expect(o.token).toBeUndefined();
    }
  });

  it("refuses the same values from code and from variables, naming the variable", () => {
    const e = thrown(() => test.resolve({ url: "http://x/", connectTimeoutMs: 0 }));
    expect(e.variable).toBe("IW_T_CONNECT_TIMEOUT_MS");
    expect(e.message).toMatch(
      /^IW_T_CONNECT_TIMEOUT_MS is invalid: out of range or not a whole number; expected a whole number from 1 to 600000 ms; default 5000 ms$/,
    );
    expect(issuesOf({ IW_T_URL: "http://x/", IW_T_CONNECT_TIMEOUT_MS: "0" })).toEqual([
      { path: "IW_T_CONNECT_TIMEOUT_MS", message: "out of range or not a whole number" },
    ]);

    expect(thrown(() => test.resolve({ url: "ftp://x/" })).message).toMatch(
      /^IW_T_URL is invalid: ftp:\/\/x\/: scheme ftp: is not supported/,
    );
    expect(issuesOf({ IW_T_URL: "ftp://x/" })[0]).toMatchObject({ path: "IW_T_URL", message: "ftp://x/: scheme ftp: is not supported" });

    // @ts-expect-error a value outside the enum, as JavaScript could pass it
    expect(thrown(() => test.resolve({ url: "http://x/", mode: "turbo" })).variable).toBe("IW_T_MODE");
    expect(issuesOf({ IW_T_URL: "http://x/", IW_T_MODE: "turbo" })[0]?.path).toBe("IW_T_MODE");
  });

  it("checks the links between options (certificate and key, tenant needs token) and the rules, on both paths", () => {
    const dir = mkdtempSync(join(tmpdir(), "iw-options-"));
    const cert = join(dir, "cert.pem");
    writeFileSync(cert, "-----BEGIN CERTIFICATE-----\n");
    const e = thrown(() => test.resolve({ url: "https://x/", cert: "PEM" }));
    expect(e.variable).toBe("IW_T_KEY_FILE");
    expect(e.message).toMatch(/^IW_T_KEY_FILE is unset while IW_T_CERT_FILE is set, which needs it/);
    expect(issuesOf({ IW_T_URL: "https://x/", IW_T_CERT_FILE: cert })).toEqual([
      { path: "IW_T_KEY_FILE", message: "is unset while IW_T_CERT_FILE is set, which needs it" },
    ]);
    expect(thrown(() => test.resolve({ url: "http://x/", tenant: "acme" })).variable).toBe("IW_T_TOKEN");

    expect(thrown(() => test.resolve({ url: "https://x/", mode: "fast" })).message).toMatch(/^IW_T_MODE is fast, which only applies/);
    expect(issuesOf({ IW_T_URL: "https://x/", IW_T_MODE: "fast" })).toEqual([
      { path: "IW_T_MODE", message: "is fast, which only applies to http:// URLs" },
    ]);
  });

  it("names a named instance's variables, and a code-only option by its own name", () => {
    expect(thrown(() => test.resolve({ url: "https://x/", cert: "PEM", envPrefix: "IW_T_EU" })).variable).toBe("IW_T_EU_KEY_FILE");
    expect(thrown(() => test.resolve({ url: "http://x/", retries: 11 })).message).toMatch(/^retries is invalid: out of range/);
    expect(test.forInstance({ url: "http://x/" }, { sinkName: "t:eu", envPrefix: "IW_T_EU" })).toEqual({
      url: "http://x/",
      name: "t:eu",
      envPrefix: "IW_T_EU",
    });
  });

  it("never prints a secret or URL credentials in an error", () => {
    const urlError = thrown(() => test.resolve({ url: "http://user:hunter2-secret@x/#frag" }));
    expect(urlError.message).toMatch(/fragment/);
    expect(urlError.message).not.toContain("hunter2-secret");
    const tokenError = thrown(() => test.resolve({ url: "http://x/", token: "tok-secret\r\nX-Evil: 1" }));
    expect(tokenError.variable).toBe("IW_T_TOKEN");
    expect(tokenError.message).not.toContain("tok-secret");
    expect(thrown(() => test.resolve({ url: "http://x/", headers: { "X-A": "a\r\nB: 1" } })).message).toMatch(
      /^IW_T_HEADERS is invalid: the value for X-A contains CR, LF/,
    );
    expect(thrown(() => test.resolve({ url: "http://x/", headers: { "Content-Type": "text/plain" } })).message).toMatch(
      /^IW_T_HEADERS sets Content-Type, which the sink sets itself/,
    );
  });

  it("infers the options type: the required option required, the rest optional", () => {
    type Options = SinkOptionsInput<typeof test>;
    expectTypeOf<{ url: string }>().toMatchTypeOf<Options>();
    expectTypeOf<{ connectTimeoutMs: number }>().not.toMatchTypeOf<Options>();
    expectTypeOf<Options["mode"]>().toEqualTypeOf<"fast" | "safe" | undefined>();
    expectTypeOf(test.resolve({ url: "http://x/" }).connectTimeoutMs).toEqualTypeOf<number>();
    expectTypeOf(test.resolve({ url: "http://x/" }).token).toEqualTypeOf<string | undefined>();
  });

  it("is what activation reads: errors name the instance's variables and mask secrets", async () => {
    const sink: Sink = { name: "t", send: () => Promise.resolve({ status: "success" }), close: () => Promise.resolve() };
    const plugin = defineSinkPlugin({
      name: "t",
      env: "IW_T_URL",
      options: test.env,
      secrets: test.secrets,
      create: (options, deps) => {
        test.resolve(test.forInstance(options, deps));
        return sink;
      },
    });
    const { errors, dispatcher } = await activateWithReport({
      env: { IW_T_EU_URL: "https://x/", IW_T_EU_MODE: "fast", IW_T_EU_TOKEN: "tok-secret-value", IW_T_EU_TENANT: "a\nb" },
      plugins: [plugin],
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await dispatcher.close();
    const text = errors.map((e) => e.message).join("\n");
    expect(text).toMatch(/IW_T_EU_TENANT=.* is invalid: contains CR, LF or NUL; expected a tenant id; unset by default/);
    expect(text).not.toContain("tok-secret-value");
  });
});
