import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateWithReport, silentLogger } from "@iw/core";
import defaultPlugin, { plugin } from "../src/index.js";
import { resolveOptions } from "../src/resolve-options.js";

let dir: string;
let caFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "iw-fluentd-plugin-"));
  caFile = join(dir, "ca.pem");
  await writeFile(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const issues = (env: Record<string, string>) => {
  const result = plugin.options.safeParse(env);
  return result.success ? [] : result.error.issues.map((i) => `${String(i.path?.[0])}: ${i.message}`);
};

/** The options the variables give, with every default applied as the sink applies them. */
const fromEnv = (env: Record<string, string>) => {
  const result = plugin.options.safeParse(env);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return resolveOptions(result.data);
};

describe("plugin", () => {
  it("follows the convention: name, activating variable, secrets, default export", () => {
    expect(defaultPlugin).toBe(plugin);
    expect([plugin.name, plugin.env]).toEqual(["fluentd", "IW_FLUENTD_URL"]);
    expect(plugin.secrets).toEqual(["IW_FLUENTD_SHARED_KEY", "IW_FLUENTD_PASSWORD"]);
  });

  it("applies the defaults from a lone IW_FLUENTD_URL", () => {
    const options = fromEnv({ IW_FLUENTD_URL: "tcp://fluentd:24224" });
    expect(options).toMatchObject({
      tag: "inferwall",
      ack: true,
      compression: "none",
      format: "iw",
      hostname: hostname(),
      tlsVerify: true,
      ca: undefined,
      headers: {},
      keepAliveMs: 30_000,
      idleTimeoutMs: 30_000,
      name: "fluentd",
      envPrefix: "IW_FLUENTD",
    });
    expect(options.url.href).toBe("tcp://fluentd:24224");
  });

  it("turns acks off by default for unix:// (in_unix never acks) unless IW_FLUENTD_ACK is set", () => {
    expect(fromEnv({ IW_FLUENTD_URL: "unix:///var/run/fluentd.sock" }).ack).toBe(false);
    expect(fromEnv({ IW_FLUENTD_URL: "unix:///var/run/fluentd.sock", IW_FLUENTD_ACK: "true" }).ack).toBe(true);
    expect(fromEnv({ IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_ACK: "false" }).ack).toBe(false);
    expect(fromEnv({ IW_FLUENTD_URL: "tls://fluentd:24224" }).ack).toBe(true);
    // In code too: unset follows the URL, a given value wins.
    expect(resolveOptions({ url: "unix:///var/run/fluentd.sock" }).ack).toBe(false);
    expect(resolveOptions({ url: "unix:///var/run/fluentd.sock", ack: true }).ack).toBe(true);
    expect(resolveOptions({ url: new URL("tcp://fluentd:24224") }).ack).toBe(true);
    expect(issues({ IW_FLUENTD_URL: "unix:///var/run/fluentd.sock", IW_FLUENTD_ACK: "maybe" })).toEqual(["IW_FLUENTD_ACK: not a boolean"]);
  });

  it("refuses gzip over unix:// (in_unix would read compressed bytes as msgpack and lose every event)", () => {
    const [problem] = issues({ IW_FLUENTD_URL: "unix:///var/run/fluentd.sock", IW_FLUENTD_COMPRESSION: "gzip" });
    expect(problem).toMatch(
      /^IW_FLUENTD_COMPRESSION: is gzip, which is refused for unix:\/\/: Fluentd's in_unix reads PackedForward entries without decompressing/,
    );
    expect(issues({ IW_FLUENTD_URL: "tcp://fluentd:24224", IW_FLUENTD_COMPRESSION: "gzip" })).toEqual([]);
  });

  it("keeps an in_http URL's path and query (the tag goes between them)", () => {
    expect(fromEnv({ IW_FLUENTD_URL: "http://fluentd:9880/in/?token=Q" }).url.href).toBe("http://fluentd:9880/in/?token=Q");
  });

  it("reads every forward option", () => {
    const options = fromEnv({
      IW_FLUENTD_URL: "tls://fluentd.example:24224",
      IW_FLUENTD_TAG: "fw.prod",
      IW_FLUENTD_ACK: "false",
      IW_FLUENTD_COMPRESSION: "gzip",
      IW_FLUENTD_FORMAT: "ecs",
      IW_FLUENTD_SHARED_KEY: "k",
      IW_FLUENTD_USERNAME: "u",
      IW_FLUENTD_PASSWORD: "p",
      IW_FLUENTD_HOSTNAME: "fw-1",
      IW_FLUENTD_CA_FILE: caFile,
      IW_FLUENTD_TLS_VERIFY: "false",
    });
    expect(options).toMatchObject({
      tag: "fw.prod",
      ack: false,
      compression: "gzip",
      format: "ecs",
      sharedKey: "k",
      username: "u",
      password: "p",
      hostname: "fw-1",
    });
    expect(options.tlsVerify).toBe(false);
    expect(Buffer.from(options.ca ?? "").toString()).toMatch(/BEGIN CERTIFICATE/);
  });

  it.each([
    [{ IW_FLUENTD_URL: "ftp://x" }, /IW_FLUENTD_URL: scheme ftp: is not supported/],
    [{ IW_FLUENTD_URL: "fluentd:24224x" }, /IW_FLUENTD_URL: /],
    [{ IW_FLUENTD_URL: "unix://" }, /IW_FLUENTD_URL: no socket path/],
    [
      { IW_FLUENTD_URL: "http://x:9880/#frag" },
      /^IW_FLUENTD_URL: has a fragment \(#…\), which is never sent: in_http would get POST \/ and lose the tag/,
    ],
    [{ IW_FLUENTD_URL: "https://x:9880/in?token=Q#frag" }, /^IW_FLUENTD_URL: has a fragment/],
    [
      { IW_FLUENTD_URL: "tcp://x:24224/?token=Q" },
      /^IW_FLUENTD_URL: has a query or fragment \(\?… or #…\), which tcp:\/\/, tls:\/\/ and unix:\/\/ have no use for/,
    ],
    [{ IW_FLUENTD_URL: "unix:///run/fluentd#1.sock" }, /^IW_FLUENTD_URL: has a query or fragment/],
    [
      { IW_FLUENTD_URL: "tcp://iw:pw@x:24224" },
      /^IW_FLUENTD_URL: carries credentials, which a forward URL has no use for; set IW_FLUENTD_USERNAME and IW_FLUENTD_PASSWORD \(with IW_FLUENTD_SHARED_KEY\)/,
    ],
    [{ IW_FLUENTD_URL: "tls://iw@x:24224" }, /^IW_FLUENTD_URL: carries credentials, which a forward URL has no use for/],
    [{ IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_TAG: "bad tag!" }, /IW_FLUENTD_TAG: not a dot-separated tag/],
    [{ IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_ACK: "maybe" }, /IW_FLUENTD_ACK: not a boolean/],
    [
      { IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_USERNAME: "u", IW_FLUENTD_PASSWORD: "p" },
      /^IW_FLUENTD_SHARED_KEY: is unset while IW_FLUENTD_USERNAME is set, which needs it$/,
    ],
    [
      { IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_SHARED_KEY: "k", IW_FLUENTD_USERNAME: "u" },
      /^IW_FLUENTD_PASSWORD: is unset while IW_FLUENTD_USERNAME is set, which needs it$/,
    ],
    [{ IW_FLUENTD_URL: "http://x:9880", IW_FLUENTD_SHARED_KEY: "k" }, /IW_FLUENTD_SHARED_KEY: only applies to tcp/],
    [{ IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_HEADERS: "X-A=1" }, /IW_FLUENTD_HEADERS: only applies to http/],
    [
      { IW_FLUENTD_URL: "tcp://x", IW_FLUENTD_CA_FILE: "CA" },
      /^IW_FLUENTD_URL: is tcp:\/\/ but TLS files are set \(IW_FLUENTD_CA_FILE\); use tls:\/\/ or https:\/\/$/,
    ],
    [{ IW_FLUENTD_URL: "tls://x", IW_FLUENTD_CA_FILE: "/nonexistent/ca.pem" }, /IW_FLUENTD_CA_FILE: cannot read the file \(ENOENT\)/],
  ] as [Record<string, string>, RegExp][])("refuses %o", (env, expected) => {
    const env2 = { ...env, ...(env["IW_FLUENTD_CA_FILE"] === "CA" ? { IW_FLUENTD_CA_FILE: caFile } : {}) };
    expect(issues(env2).join("\n")).toMatch(expected);
  });

  it("through activation: one clear error naming the variable and its expected form, the shared key masked", async () => {
    const { dispatcher, errors } = await activateWithReport({
      env: {
        IW_FLUENTD_URL: "tcp://127.0.0.1:1",
        IW_FLUENTD_SHARED_KEY: "sup3r-secret-key",
        IW_FLUENTD_USERNAME: "iw",
        IW_FLUENTD_COMPRESSION: "zip",
      },
      plugins: [plugin],
      logger: silentLogger,
    });
    await dispatcher.close(100);
    const text = errors.map((e) => e.message).join("\n");
    expect(text).toMatch(/IW_FLUENTD_COMPRESSION=.*zip.* is invalid: .*expected one of none, gzip/);
    expect(text).not.toContain("sup3r-secret-key");
    expect(dispatcher.sinks).toEqual([]);
  });
});
