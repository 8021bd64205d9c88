import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { IwEvent } from "@iw/core";
import type { Sink } from "@iw/core/sink-kit";
import { createFluentdSink } from "../src/index.js";
import { ctx, events, recordingLogger, startFluentdReceiver, type FluentdReceiver } from "./helpers.js";

let receiver: FluentdReceiver | undefined;
let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  await receiver?.close();
  sink = receiver = undefined;
});

async function start(flavour: "fluentd" | "fluent-bit" = "fluentd"): Promise<FluentdReceiver> {
  receiver = await startFluentdReceiver({ http: true, flavour });
  return receiver;
}

describe("HttpSink (in_http)", () => {
  it("a retry after one tag was stored and the next refused resends only the refused tag (no duplicates)", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const batch = events(6);
    r.setFault({ kind: "http_status", status: 503, tag: "inferwall.audit", times: 1 });
    expect((await sink.send(batch, ctx(3000, "partial-batch"))).status).toBe("retryable");
    expect(r.records).toHaveLength(3); // the scan tag was stored before the audit tag was refused
    expect(await sink.send(batch, ctx(3000, "partial-batch", 2))).toEqual({ status: "success" });
    expect(r.httpRequests.map((q) => [q.tag, q.status])).toEqual([
      ["inferwall.scan", 200],
      ["inferwall.audit", 503],
      ["inferwall.audit", 200],
    ]);
    expect(r.records).toHaveLength(6);
    expect(new Set(r.records.map((x) => x.record["event_id"])).size).toBe(6);
    // Another batch (another id) is sent whole.
    expect(await sink.send(batch, ctx(3000, "other-batch"))).toEqual({ status: "success" });
    expect(r.httpRequests).toHaveLength(5);
  });

  it("keeps a batch refused with 401 (a proxy's credentials) as retryable reason auth, no pause of its own, logged once", async () => {
    const r = await start();
    const { lines, logger } = recordingLogger();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) }, { logger });
    r.setFault({ kind: "http_status", status: 401 });
    for (let i = 0; i < 2; i++) {
      const result = await sink.send(events(2), ctx());
      expect(result).toMatchObject({ status: "retryable", reason: "auth", error: { code: "IW_AUTH" } });
      expect(result).not.toHaveProperty("retryAfterMs");
    }
    expect(lines.filter((l) => l.level === "error")).toHaveLength(1);
    r.setFault(null);
    expect(await sink.send(events(2), ctx())).toEqual({ status: "success" });
    expect(r.records).toHaveLength(2);
  });

  it("refuses a header given in code that is not a valid header name or carries CR/LF", () => {
    expect(() => createFluentdSink({ url: new URL("http://127.0.0.1:9880"), headers: { "X Bad": "v" } })).toThrow(
      /^IW_FLUENTD_HEADERS is invalid: "X Bad" is not a valid header name/,
    );
    expect(() => createFluentdSink({ url: new URL("http://127.0.0.1:9880"), headers: { "X-A": "a\r\nX-B: 1" } })).toThrow(
      /^IW_FLUENTD_HEADERS is invalid: the value for X-A contains CR, LF or another control character; header injection is refused/,
    );
  });

  it.each(["fluentd", "fluent-bit"] as const)("POSTs one JSON array per tag with the event time as numeric time (%s)", async (flavour) => {
    const r = await start(flavour);
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const batch = events(6);
    expect(await sink.send(batch, ctx())).toEqual({ status: "success" });
    expect(r.httpRequests.map((q) => [q.path, q.tag, q.contentType, q.records])).toEqual([
      ["/inferwall.scan", "inferwall.scan", "application/json", 3],
      ["/inferwall.audit", "inferwall.audit", "application/json", 3],
    ]);
    const rec = r.records.find((x) => x.record["event_id"] === batch[1]?.event_id);
    expect(rec?.time).toBe(Date.parse("2026-04-06T12:00:01.123Z") / 1000);
    expect(rec?.record).toEqual(batch[1]);
  });

  it("leaves out only the events JSON cannot carry and counts them malformed", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const batch = events(3, "audit");
    const bad = { ...batch[1]!, details: { n: 1n } } as unknown as IwEvent;
    expect(await sink.send([batch[0]!, bad, batch[2]!], ctx())).toEqual({ status: "success", malformed: 1 });
    expect(r.records.map((x) => x.record["event_id"])).toEqual([batch[0]!.event_id, batch[2]!.event_id]);
  });

  it("gzips the body with IW_FLUENTD_COMPRESSION=gzip", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!), compression: "gzip" });
    expect((await sink.send(events(10), ctx())).status).toBe("success");
    expect(r.httpRequests.every((q) => q.contentEncoding === "gzip" && q.status === 200)).toBe(true);
    expect(r.distinctEvents).toBe(10);
  });

  it("a record's own non-numeric `time` cannot make in_http refuse the batch: it travels as time_", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const odd = { ...events(1, "audit")[0], time: "yesterday" } as unknown as IwEvent;
    expect((await sink.send([odd, ...events(2, "audit")], ctx())).status).toBe("success");
    expect(r.httpRequests[0]?.status).toBe(200);
    const rec = r.records.find((x) => x.record["event_id"] === odd.event_id);
    expect(rec?.record["time_"]).toBe("yesterday");
    expect(rec?.record["time"]).toBeUndefined();
  });

  it("the receiver itself refuses a non-numeric top-level time with 400 (so the test above can fail)", async () => {
    const r = await start();
    const res = await fetch(`${r.httpUrl}/x.y`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ a: 1 }, { time: "nope" }]),
    });
    expect(res.status).toBe(400);
    expect(r.records).toHaveLength(0);
  });

  it.each([
    [503, "retryable", "server"],
    [429, "retryable", "throttled"],
    [400, "failure", "rejected"],
    [413, "too_large", "too_large"],
  ] as const)("classifies %i as %s (reason %s)", async (status, expected, reason) => {
    const r = await start();
    r.setFault({ kind: "http_status", status, retryAfter: status === 429 ? "2" : undefined });
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const result = await sink.send(events(1), ctx());
    expect(result).toMatchObject({ status: expected, reason });
    if (status === 429) expect(result.status === "retryable" && result.retryAfterMs).toBe(2000);
  });

  it("a down collector is retryable, a blackholed one times out", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    r.setFault({ kind: "blackhole" });
    const timedOut = await sink.send(events(1), ctx(300));
    expect(timedOut).toMatchObject({ status: "retryable", reason: "timeout", error: { code: "IW_SEND_TIMEOUT" } });
    r.setFault(null);
    await r.down();
    expect(await sink.send(events(1), ctx())).toMatchObject({ status: "retryable", reason: "network" });
  });

  it("puts the tag after the URL's path and before its query: POST /inferwall.audit?token=Q", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(`${r.httpUrl!}/?token=Q`) });
    expect(await sink.send(events(2, "audit"), ctx())).toEqual({ status: "success" });
    // in_http takes the tag from the path alone (its query is parsed as params, never the tag).
    expect(r.httpRequests.map((q) => [q.path, q.tag, q.status])).toEqual([["/inferwall.audit", "inferwall.audit", 200]]);
    expect(r.distinctTagCounts()).toEqual({ "inferwall.audit": 2 });
  });

  it("keeps a base path (a proxy's prefix) and the query on the wire, byte for byte", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? "");
      req.resume().on("end", () => res.writeHead(200, { "content-length": "0" }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      sink = createFluentdSink({ url: new URL(`http://127.0.0.1:${port}/fluentd//?token=Q%26x&b=2`) });
      expect(await sink.send(events(2), ctx())).toEqual({ status: "success" });
      expect(seen).toEqual(["/fluentd/inferwall.scan?token=Q%26x&b=2", "/fluentd/inferwall.audit?token=Q%26x&b=2"]);
    } finally {
      await sink?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("never shows the URL's query (it may hold a token) in a diagnostic", async () => {
    const r = await start();
    r.setFault({ kind: "http_status", status: 400 });
    sink = createFluentdSink({ url: new URL(`${r.httpUrl!}/?token=s3cret`) });
    const result = await sink.send(events(1), ctx());
    expect(result).toMatchObject({ status: "failure", reason: "rejected" });
    expect((result as { error: Error }).error.message).toContain(`${r.httpUrl!}?…`);
    expect((result as { error: Error }).error.message).not.toContain("s3cret");
  });

  it("refuses a URL with a fragment at configuration time, naming the variable (it would POST / and lose the tag)", () => {
    expect(() => createFluentdSink({ url: new URL("http://127.0.0.1:9880/#frag") })).toThrow(
      /^IW_FLUENTD_URL has a fragment \(#…\), which is never sent: in_http would get POST \/ and lose the tag/,
    );
    expect(() => createFluentdSink({ url: new URL("http://127.0.0.1:9880/#frag"), envPrefix: "IW_FLUENTD_EU" })).toThrow(
      /^IW_FLUENTD_EU_URL has a fragment/,
    );
  });

  it("sends a lone UTF-16 surrogate as U+FFFD, so in_http never parses a string that is not UTF-8", async () => {
    const r = await start();
    sink = createFluentdSink({ url: new URL(r.httpUrl!) });
    const [event] = events(1, "scan") as [IwEvent & { matches: { matched_text: string }[] }];
    const lone = { ...event, matches: [{ ...event.matches[0], matched_text: "ab\uD800cd\uDC00" }], ["k\uDBFF"]: "v" } as unknown as IwEvent;
    expect(await sink.send([lone], ctx())).toEqual({ status: "success" });
    const record = r.records[0]!.record as { matches: { matched_text: string }[] } & Record<string, unknown>;
    expect(record.matches[0]!.matched_text).toBe("ab\uFFFDcd\uFFFD");
    expect(record["k\uFFFD"]).toBe("v");
    expect(JSON.stringify(record)).not.toMatch(/\\ud[89a-f]/);
  });
});
