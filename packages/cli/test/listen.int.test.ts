import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@iw/testkit";
import { main } from "../src/index.js";
import { EMPTY_DIR, closedPort, run } from "./helpers.js";

const SHARED_KEY = "fluentd-shared-key-42";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_C2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
const FREE_PORTS = ["--logstash-port", "0", "--fluentd-port", "0", "--fluentd-http-port", "0", "--webhook-port", "0"];

/** `iw-sinks listen` running in-process, stopped by aborting its signal (as Ctrl-C does). */
interface Listening {
  output(): string;
  /** The value of a variable from the start lines (`IW_ELK_URL=…`), for `collector`. */
  variable(collector: string, name: string): string;
  stop(): Promise<number>;
  readonly done: Promise<number>;
}

const running: Listening[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
});

async function listen(args: readonly string[], env: Record<string, string> = {}): Promise<Listening> {
  let out = "";
  const controller = new AbortController();
  const done = main(["listen", ...args], {
    env,
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (out += t) },
    cwd: EMPTY_DIR,
    signal: controller.signal,
  });
  const json = args.includes("--json");
  await waitFor(() => (json ? out.includes('"type":"listening"') : out.includes("point a host here")) || out.includes("iw-sinks listen:"), {
    timeoutMs: 10_000,
    what: "listen to start",
  });
  const l: Listening = {
    output: () => out,
    variable(collector, name) {
      const line = out
        .split("\n")
        .find((x) => (json ? x.includes(`"collector":"${collector}"`) : x.trimStart().startsWith(`${collector} `)))!;
      if (json) return (JSON.parse(line) as { env: Record<string, string> }).env[name]!;
      return new RegExp(`${name}=(\\S+)`).exec(line)![1]!;
    },
    stop: () => {
      controller.abort();
      return done;
    },
    done,
  };
  running.push(l);
  return l;
}

describe("listen", () => {
  it("prints each event as it arrives at the Logstash, Fluentd (forward and in_http) and webhook collectors, and counts them on Ctrl-C", async () => {
    const l = await listen([...FREE_PORTS, "--shared-key", SHARED_KEY, "--secret", SECRET]);
    expect(l.output()).toContain("listening (Ctrl-C to stop and count); point a host here with:");
    expect(l.output()).toMatch(/^ {2}webhook {7}IW_WEBHOOK_URL=http:\/\/127\.0\.0\.1:\d+\/hook IW_WEBHOOK_SECRET=<--secret>$/m);
    const env = {
      IW_ELK_URL: l.variable("logstash", "IW_ELK_URL"),
      IW_FLUENTD_URL: l.variable("fluentd", "IW_FLUENTD_URL"),
      IW_FLUENTD_SHARED_KEY: SHARED_KEY,
      IW_FLUENTD_WEB_URL: l.variable("fluentd-http", "IW_FLUENTD_URL"),
      IW_WEBHOOK_URL: l.variable("webhook", "IW_WEBHOOK_URL"),
      IW_WEBHOOK_SECRET: SECRET,
    };
    expect((await run(["test"], env)).code).toBe(0);
    await waitFor(() => (l.output().match(/\[test\]/g) ?? []).length >= 8, { timeoutMs: 5000, what: "8 events printed" });
    expect(await l.stop()).toBe(0);
    const out = l.output();
    for (const c of ["logstash    ", "fluentd     ", "fluentd-http", "webhook     "]) {
      expect(out).toMatch(
        new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${c} scan +block +input +score 10/10 +test-\\d+ +IW-TEST-0001 \\[test\\]`, "m"),
      );
      expect(out).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${c} audit +admin/test_message \\[test\\]`, "m"));
    }
    expect(out).toContain("received 8 events: scan 4 (block 4); audit 4 (admin 4)");
    expect(out).toContain("by collector: logstash 2, fluentd 2, fluentd-http 2, webhook 2; [Test message] events: 8");
  });

  it("prints the requests it refuses with the reason: a bad signature, a wrong shared key", async () => {
    const l = await listen([
      "webhook",
      "fluentd",
      "--webhook-port",
      "0",
      "--fluentd-port",
      "0",
      "--secret",
      SECRET,
      "--shared-key",
      SHARED_KEY,
    ]);
    const env = {
      IW_WEBHOOK_URL: l.variable("webhook", "IW_WEBHOOK_URL"),
      IW_WEBHOOK_SECRET: OTHER_SECRET,
      IW_FLUENTD_URL: l.variable("fluentd", "IW_FLUENTD_URL"),
      IW_FLUENTD_SHARED_KEY: "not-the-shared-key",
    };
    expect((await run(["test"], env)).code).toBe(1);
    await waitFor(() => l.output().includes("refused 401") && l.output().includes("handshake refused"), {
      timeoutMs: 5000,
      what: "two refusals",
    });
    await l.stop();
    expect(l.output()).toMatch(/webhook +refused 401 no webhook-signature entry matches/);
    expect(l.output()).toMatch(/fluentd +refused handshake refused from .*: shared_key mismatch/);
    expect(l.output()).toContain("received 0 events");
    expect(l.output()).toContain("refused requests: 2");
  });

  it("prints JSON lines with --json, one per event, and the counts last", async () => {
    const l = await listen(["logstash", "--logstash-port", "0", "--json"]);
    const url = l.variable("logstash", "IW_ELK_URL");
    expect((await run(["test"], { IW_ELK_URL: url })).code).toBe(0);
    await waitFor(() => l.output().split('"type":"event"').length === 3, { timeoutMs: 5000, what: "2 events" });
    await l.stop();
    const docs = l
      .output()
      .trim()
      .split("\n")
      .map((x) => JSON.parse(x) as Record<string, unknown>);
    expect(docs[0]).toEqual({ type: "listening", collector: "logstash", url, env: { IW_ELK_URL: url } });
    expect(docs.slice(1, 3)).toMatchObject([
      { type: "event", collector: "logstash", event: { log_type: "scan", test: true } },
      { type: "event", collector: "logstash", event: { log_type: "audit", test: true } },
    ]);
    expect(docs[3]).toMatchObject({ type: "counts", events: 2, byType: { scan: 1, audit: 1 }, test: 2, refused: 0 });
  });

  it("stops by itself after --count events (exit 0) or at --duration without them (exit 1)", async () => {
    const l = await listen(["logstash", "--logstash-port", "0", "--count", "2"]);
    await run(["test"], { IW_ELK_URL: l.variable("logstash", "IW_ELK_URL") });
    expect(await l.done).toBe(0);
    const short = await listen(["logstash", "--logstash-port", "0", "--count", "5", "--duration", "300ms"]);
    expect(await short.done).toBe(1);
    expect(short.output()).toContain("received 0 events");
  });

  it("serves TLS with a throw-away CA whose file it names", async () => {
    const l = await listen([
      "logstash",
      "fluentd",
      "webhook",
      "--logstash-port",
      "0",
      "--fluentd-port",
      "0",
      "--webhook-port",
      "0",
      "--tls",
    ]);
    const ca = l.variable("logstash", "IW_ELK_CA_FILE");
    expect(readFileSync(ca, "utf8")).toContain("BEGIN CERTIFICATE");
    const env = {
      IW_ELK_URL: l.variable("logstash", "IW_ELK_URL"),
      IW_ELK_CA_FILE: ca,
      IW_FLUENTD_URL: l.variable("fluentd", "IW_FLUENTD_URL"),
      IW_FLUENTD_CA_FILE: l.variable("fluentd", "IW_FLUENTD_CA_FILE"),
      IW_WEBHOOK_URL: l.variable("webhook", "IW_WEBHOOK_URL"),
      IW_WEBHOOK_CA_FILE: l.variable("webhook", "IW_WEBHOOK_CA_FILE"),
    };
    expect(env.IW_ELK_URL).toMatch(/^https:/);
    expect(env.IW_FLUENTD_URL).toMatch(/^tls:/);
    const r = await run(["test"], env);
    expect(r.stdout).not.toContain("✗");
    expect(r.code).toBe(0);
    await l.stop();
    expect(l.output()).toContain("received 6 events");
  });

  it("says when a port is taken and exits 1", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await run(["listen", "webhook", "--webhook-port", String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`iw-sinks listen: webhook: port ${port} is in use (--webhook-port 0 takes a free one)`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("listens on the port it is given", async () => {
    const port = await closedPort();
    const l = await listen(["webhook", "--webhook-port", String(port)]);
    expect(l.variable("webhook", "IW_WEBHOOK_URL")).toBe(`http://127.0.0.1:${port}/hook`);
  });

  it("refuses an unknown collector or a bad port with exit 2", async () => {
    expect((await run(["listen", "kafka"])).stderr).toContain(
      'unknown collector "kafka"; collectors: logstash, fluentd, fluentd-http, webhook',
    );
    expect((await run(["listen", "--logstash-port", "99999"])).code).toBe(2);
    expect((await run(["listen", "--count", "0"])).code).toBe(2);
  });
});
