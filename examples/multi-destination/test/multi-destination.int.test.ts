import { afterEach, describe, expect, it } from "vitest";
import type { Dispatcher, Env, IwEvent, Logger, SinkStats } from "@iw/core";
import { verifyStandardWebhook } from "@iw/testkit";
import type { ReceivedEvent } from "../src/collectors.js";
import { DESTINATIONS } from "../src/collectors.js";
import { emitPaced, readEnvFile, startDestinations } from "../src/demo.js";
import type { Destinations } from "../src/demo.js";
import { holdsInvariant } from "../src/tally.js";
import { buildTraffic } from "../src/traffic.js";

/** The shipped configuration, exactly as a user would deploy it (the URLs are replaced). */
const ENV = readEnvFile();

/**
 * What each destination must get, written out independently of core's filter compiler: the
 * README's promise for each line of example.env.
 */
const WANTS: Record<(typeof DESTINATIONS)[number], (e: IwEvent) => boolean> = {
  logstash: () => true,
  fluentd: (e) => e.log_type === "audit",
  "webhook:chat": (e) => e.log_type === "scan" && e.decision === "block",
  "webhook:soar": (e) => e.log_type === "audit" && e.category === "auth",
};

/** Events core makes itself (lifecycle audit events, traffic summaries), not the host. */
const coreMade = (e: ReceivedEvent): boolean => e["log_type"] === "summary" || (e["log_type"] === "audit" && e["category"] === "lifecycle");

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

const statsOf = (d: Dispatcher, sink: string): SinkStats => {
  const s = d.stats().find((x) => x.sink === sink);
  if (s === undefined) throw new Error(`no sink ${sink} in ${d.sinks.join(", ")}`);
  return s;
};

let running: Destinations | undefined;
afterEach(async () => {
  await running?.dispatcher.close(1000);
  await running?.collectors.close();
  running = undefined;
});

describe("four destinations configured from example.env", () => {
  it("activates exactly the four sinks of example.env, from variables alone", async () => {
    running = await startDestinations({ env: ENV, logger: capturingLogger() });
    expect([...running.dispatcher.sinks].sort()).toEqual([...DESTINATIONS].sort());
  });

  it("delivers each host event to exactly the destinations whose filter selects it, none lost, none duplicated", async () => {
    running = await startDestinations({ env: ENV, logger: capturingLogger() });
    const { dispatcher, collectors } = running;
    const events = buildTraffic({ requests: 400, seed: 7 });
    await emitPaced(dispatcher, events);
    expect(await dispatcher.close(10_000)).toBe(true);

    const hostIds = new Set(events.map((e) => e.event_id));
    const received = collectors.received();
    for (const sink of DESTINATIONS) {
      const want = events
        .filter(WANTS[sink])
        .map((e) => e.event_id)
        .sort();
      const got = received.get(sink)!;
      const gotHost = got
        .filter((e) => hostIds.has(e["event_id"] as string))
        .map((e) => e["event_id"])
        .sort();
      expect(gotHost, `host events at ${sink}`).toEqual(want);
      // Anything else must be core's own events, and only where the filter takes them.
      const extra = got.filter((e) => !hostIds.has(e["event_id"] as string));
      expect(extra.every(coreMade), `only core events besides the host's at ${sink}`).toBe(true);
      expect(
        extra.every((e) => WANTS[sink](e as IwEvent)),
        `core events at ${sink} respect its filter`,
      ).toBe(true);

      const s = statsOf(dispatcher, sink);
      expect(holdsInvariant(s), `invariant of ${sink}: ${JSON.stringify(s)}`).toBe(true);
      expect({ delivered: s.delivered, dropped: s.dropped.total, queued: s.queued, inFlight: s.inFlight }).toEqual({
        delivered: got.length,
        dropped: 0,
        queued: 0,
        inFlight: 0,
      });
    }
    // The mix exercises every filter both ways (a filter that let everything through would fail).
    expect(events.filter(WANTS["webhook:chat"]).length).toBeGreaterThan(10);
    expect(events.filter(WANTS["webhook:soar"]).length).toBeGreaterThan(3);
    expect(events.filter((e) => e.log_type === "audit" && e.category !== "auth").length).toBeGreaterThan(3);
    expect(collectors.logstash.duplicates()).toBe(0);
    // Fluentd routes on the tag: audit events travel as inferwall.audit, and nothing else came.
    expect(Object.keys(collectors.fluentd.distinctTagCounts())).toEqual(["inferwall.audit"]);
    expect(collectors.fluentd.records.length).toBe(received.get("fluentd")!.length);
    expect(collectors.chat.events.length + collectors.soar.events.length).toBe(
      received.get("webhook:chat")!.length + received.get("webhook:soar")!.length,
    );
  });

  it("signs each webhook with its own secret, in its own format, and keeps prompts out of the chat room", async () => {
    running = await startDestinations({ env: ENV, logger: capturingLogger() });
    const { dispatcher, collectors } = running;
    await emitPaced(dispatcher, buildTraffic({ requests: 200, seed: 3 }));
    expect(await dispatcher.close(10_000)).toBe(true);

    const own = { chat: ENV["IW_WEBHOOK_CHAT_SECRET"]!, soar: ENV["IW_WEBHOOK_SOAR_SECRET"]! };
    expect(own.chat).not.toBe(own.soar);
    for (const [name, other] of [
      ["chat", "soar"],
      ["soar", "chat"],
    ] as const) {
      const receiver = collectors[name];
      expect(receiver.requests.length, `${name} requests`).toBeGreaterThan(0);
      for (const r of receiver.requests) {
        expect(r.status, `${name}: ${r.reason ?? ""}`).toBe(200);
        expect(verifyStandardWebhook({ headers: r.headers, body: r.body, secrets: [own[name]] }).ok).toBe(true);
        expect(verifyStandardWebhook({ headers: r.headers, body: r.body, secrets: [own[other]] }).ok).toBe(false);
      }
    }
    expect(new Set(collectors.chat.requests.map((r) => r.format))).toEqual(new Set(["summary"]));
    for (const e of collectors.chat.events) {
      expect(e.envelope["summary"]).toMatch(/^\[InferenceWall\] /);
      for (const m of e.event["matches"] as { matched_text: string }[]) expect(m.matched_text).toBe("[REDACTED]");
    }
    // Logstash, unredacted, still has the prompt text (redaction is per destination).
    const blockedAtElk = collectors.logstash.events.filter((e) => e["decision"] === "block");
    expect(blockedAtElk.some((e) => (e["matches"] as { matched_text: string }[]).some((m) => m.matched_text !== "[REDACTED]"))).toBe(true);

    for (const r of collectors.soar.requests) expect(["cloudevents", "cloudevents-batch"]).toContain(r.format);
    for (const e of collectors.soar.events) {
      expect(e.envelope).toMatchObject({
        specversion: "1.0",
        type: "com.inferwall.audit.auth",
        source: "urn:inferwall:gateway-1",
        id: e.event["event_id"],
      });
    }
  });

  it("authenticates to Logstash and Fluentd with the credentials of example.env, and never logs a secret", async () => {
    const logger = capturingLogger();
    running = await startDestinations({ env: ENV, logger });
    await emitPaced(running.dispatcher, buildTraffic({ requests: 100, seed: 5 }));
    expect(await running.dispatcher.close(10_000)).toBe(true);

    const basic = `Basic ${Buffer.from(`${ENV["IW_ELK_USER"]}:${ENV["IW_ELK_PASSWORD"]}`).toString("base64")}`;
    expect(running.collectors.logstash.requests.length).toBeGreaterThan(0);
    for (const r of running.collectors.logstash.requests) expect([r.status, r.headers.authorization]).toEqual([200, basic]);
    expect(running.collectors.fluentd.handshakes.length).toBeGreaterThan(0);
    expect(running.collectors.fluentd.handshakes.every((h) => h.ok)).toBe(true);

    const secrets = ["IW_ELK_PASSWORD", "IW_FLUENTD_SHARED_KEY", "IW_WEBHOOK_CHAT_SECRET", "IW_WEBHOOK_SOAR_SECRET"].map((v) => ENV[v]!);
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) for (const s of secrets) expect(line).not.toContain(s);
  });

  it("refuses a bad variable in strict mode, naming it without showing the secret", async () => {
    const env: Env = { ...ENV, IW_WEBHOOK_SOAR_SECRET: "whsec_tooShortButSecret" };
    const failure = await startDestinations({ env, logger: capturingLogger() }).then(
      () => new Error("activation should have failed"),
      (err: unknown) => err as Error,
    );
    expect(failure.message).toContain("IW_WEBHOOK_SOAR_SECRET");
    expect(failure.message).not.toContain("tooShortButSecret");
  });

  it("keeps delivering to the healthy destinations while one is down, counting what the dead one could not take", async () => {
    running = await startDestinations({ env: ENV, logger: capturingLogger() });
    const { dispatcher, collectors } = running;
    await collectors.soar.setFault({ mode: "down" });
    const events = buildTraffic({ requests: 300, seed: 11 });
    await emitPaced(dispatcher, events);

    for (const sink of ["logstash", "fluentd", "webhook:chat"] as const) {
      const want = events.filter(WANTS[sink]).length;
      await expect
        .poll(
          () =>
            collectors
              .received()
              .get(sink)!
              .filter((e) => !coreMade(e)).length,
          { timeout: 10_000 },
        )
        .toBe(want);
    }
    expect(await dispatcher.close(500)).toBe(false);
    const soar = statsOf(dispatcher, "webhook:soar");
    expect(holdsInvariant(soar)).toBe(true);
    expect(soar.delivered).toBe(0);
    expect(soar.dropped.closed).toBe(events.filter(WANTS["webhook:soar"]).length);
    expect(soar.lastError?.message).toBeTruthy();
  });
  it("disables a destination that answers 410 Gone and tells the other destinations with a lifecycle sink_disabled event", async () => {
    running = await startDestinations({ env: ENV, logger: capturingLogger() });
    const { dispatcher, collectors } = running;
    await collectors.chat.setFault({ mode: "status", status: 410 });
    const events = buildTraffic({ requests: 300, seed: 13 });
    await emitPaced(dispatcher, events);
    await dispatcher.flush(10_000);
    await expect.poll(() => statsOf(dispatcher, "webhook:chat").state, { timeout: 10_000 }).toBe("disabled");

    const disabledEvents = (sink: string): ReceivedEvent[] =>
      collectors
        .received()
        .get(sink)!
        .filter((e) => e["category"] === "lifecycle" && e["action"] === "sink_disabled");
    for (const sink of ["logstash", "fluentd"]) {
      await expect.poll(() => disabledEvents(sink).length, { timeout: 10_000 }).toBe(1);
      expect(disabledEvents(sink)[0]!["details"]).toMatchObject({ sink: "webhook:chat", reason: expect.stringContaining("410") });
    }
    expect(await dispatcher.close(10_000)).toBe(true);
    // The SOAR's filter (audit:auth) does not take lifecycle events; the dead destination is not told about itself.
    expect(disabledEvents("webhook:soar")).toHaveLength(0);
    expect(disabledEvents("webhook:chat")).toHaveLength(0);

    const chat = statsOf(dispatcher, "webhook:chat");
    expect(holdsInvariant(chat)).toBe(true);
    expect(chat).toMatchObject({ state: "disabled", delivered: 0, emitted: events.filter(WANTS["webhook:chat"]).length });
    expect(chat.dropped.total).toBe(chat.emitted);
    expect(collectors.chat.requests.length).toBeLessThanOrEqual(2); // nothing sent once disabled (at most the batches already in flight)
    // The others lost nothing.
    const hostIds = new Set(events.map((e) => e.event_id));
    for (const sink of ["logstash", "fluentd", "webhook:soar"] as const) {
      const got = collectors
        .received()
        .get(sink)!
        .filter((e) => hostIds.has(e["event_id"] as string)).length;
      expect(got, sink).toBe(events.filter(WANTS[sink]).length);
      expect(holdsInvariant(statsOf(dispatcher, sink))).toBe(true);
      expect(statsOf(dispatcher, sink).dropped.total).toBe(0);
    }
  });

  it("keeps a destination's events while it refuses the credentials, tells the others (sink_disabled, retrying), then delivers them", async () => {
    // The auth pause is 30 s; IW_WEBHOOK_CHAT_RETRY_MAX_MS caps it so that the test sees the recovery.
    running = await startDestinations({ env: { ...ENV, IW_WEBHOOK_CHAT_RETRY_MAX_MS: "300" }, logger: capturingLogger() });
    const { dispatcher, collectors } = running;
    await collectors.chat.setFault({ mode: "status", status: 401, count: 2 });
    const events = buildTraffic({ requests: 100, seed: 17 });
    await emitPaced(dispatcher, events);
    const lifecycleOf = (sink: string, action: string): ReceivedEvent[] =>
      collectors
        .received()
        .get(sink)!
        .filter(
          (e) => e["category"] === "lifecycle" && e["action"] === action && (e["details"] as { sink?: string })["sink"] === "webhook:chat",
        );
    for (const sink of ["logstash", "fluentd"]) {
      await expect.poll(() => lifecycleOf(sink, "sink_disabled").length, { timeout: 10_000 }).toBe(1);
      expect(lifecycleOf(sink, "sink_disabled")[0]!["details"]).toMatchObject({ retrying: true, reason: expect.stringContaining("401") });
      await expect.poll(() => lifecycleOf(sink, "sink_recovered").length, { timeout: 10_000 }).toBe(1);
    }
    expect(await dispatcher.flush(10_000)).toBe(true);
    const chat = statsOf(dispatcher, "webhook:chat");
    const wanted = events.filter(WANTS["webhook:chat"]).length;
    expect(chat).toMatchObject({ state: "active", delivered: wanted, dropped: { total: 0 } });
    expect(holdsInvariant(chat)).toBe(true);
    const hostIds = new Set(events.map((e) => e.event_id));
    expect(
      new Set(
        collectors
          .received()
          .get("webhook:chat")!
          .map((e) => e["event_id"])
          .filter((id) => hostIds.has(id as string)),
      ).size,
    ).toBe(wanted);
  });
});
