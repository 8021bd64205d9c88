import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { decodeStatus, startOtlpReceiver } from "../src/index.js";
import type { OtlpReceiver } from "../src/index.js";
import { otlpTypes } from "../src/otlp-proto.js";

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** An ExportLogsServiceRequest built with the official definitions, independently of any sink. */
function request(uids: string[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeLogs: [
          {
            scope: { name: "test-scope", version: "1" },
            logRecords: uids.map((uid, i) => ({
              timeUnixNano: "1775476800123456789",
              severityNumber: 17,
              severityText: "ERROR",
              eventName: "inferwall.scan",
              body: { stringValue: `record ${i}` },
              traceId: Buffer.from("5b8efff798038103d269b633813fc60c", "hex"),
              attributes: [
                { key: "log.record.uid", value: { stringValue: uid } },
                { key: "score", value: { doubleValue: 10 } },
                { key: "count", value: { intValue: 3 } },
                { key: "ids", value: { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } } },
                { key: "details", value: { kvlistValue: { values: [{ key: "k", value: { boolValue: true } }] } } },
              ],
            })),
          },
        ],
      },
    ],
  };
}

const protobufBody = (uids: string[]): Buffer => {
  const { request: type } = otlpTypes();
  return Buffer.from(type.encode(type.fromObject(request(uids))).finish());
};

const jsonBody = (uids: string[]): string =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeLogs: [
          {
            scope: { name: "s" },
            logRecords: uids.map((uid) => ({
              timeUnixNano: "1775476800123456789",
              severityNumber: 9,
              traceId: "5B8EFFF798038103D269B633813FC60C",
              attributes: [
                { key: "log.record.uid", value: { stringValue: uid } },
                { key: "n", value: { intValue: "42" } },
              ],
              someFutureField: 1,
            })),
          },
        ],
      },
    ],
  });

async function post(path: string, body: Buffer | string, headers: Record<string, string>) {
  const res = await fetch(`${receiver!.url}${path}`, { method: "POST", body, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe("startOtlpReceiver", () => {
  it("decodes a binary protobuf request with the official definitions, value types and ids included", async () => {
    receiver = await startOtlpReceiver();
    const res = await post("/v1/logs", protobufBody(["u1", "u2"]), { "content-type": "application/x-protobuf" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    expect(res.body.toString("hex")).toBe("0a00"); // partial_success present and empty, as the Collector answers
    expect(receiver.records).toHaveLength(2);
    expect(receiver.records[0]).toMatchObject({
      resource: { "service.name": "svc" },
      scope: { name: "test-scope", version: "1" },
      timeUnixNano: "1775476800123456789",
      severityNumber: 17,
      severityText: "ERROR",
      eventName: "inferwall.scan",
      body: "record 0",
      traceId: "5b8efff798038103d269b633813fc60c",
      attributes: { "log.record.uid": "u1", score: 10, count: 3, ids: ["a", "b"], details: { k: true } },
      attributeTypes: { score: "double", count: "int", ids: "array", details: "kvlist" },
      event_id: "u1",
      encoding: "protobuf",
    });
  });

  it("decodes OTLP/JSON (int64 as strings, hex ids, unknown fields ignored) and answers in JSON", async () => {
    receiver = await startOtlpReceiver();
    const res = await post("/v1/logs", jsonBody(["j1"]), { "content-type": "application/json; charset=utf-8" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString("utf8"))).toEqual({ partialSuccess: {} });
    expect(receiver.records[0]).toMatchObject({
      attributes: { n: 42 },
      attributeTypes: { n: "int" },
      traceId: "5b8efff798038103d269b633813fc60c",
      event_id: "j1",
      encoding: "json",
    });
  });

  it("inflates gzip bodies and refuses one that does not inflate with a 400 Status", async () => {
    receiver = await startOtlpReceiver();
    expect(
      (await post("/v1/logs", gzipSync(protobufBody(["g1"])), { "content-type": "application/x-protobuf", "content-encoding": "gzip" }))
        .status,
    ).toBe(200);
    expect(receiver.eventIds()).toEqual(["g1"]);
    const bad = await post("/v1/logs", Buffer.from("not gzip"), { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    expect(bad.status).toBe(400);
    expect(decodeStatus(bad.body, "protobuf")).toMatchObject({ code: 3, message: expect.stringMatching(/decompress/) as unknown });
  });

  it("answers like the Collector's mux: 404 for another path, 405 for GET, 415 for another content type, 400 for garbage", async () => {
    receiver = await startOtlpReceiver();
    expect((await post("/v1/traces", protobufBody(["x"]), { "content-type": "application/x-protobuf" })).status).toBe(404);
    expect((await fetch(receiver.logsUrl)).status).toBe(405);
    expect((await post("/v1/logs", "x", { "content-type": "text/plain" })).status).toBe(415);
    const garbage = await post("/v1/logs", Buffer.from([0xff, 0xff, 0xff]), { "content-type": "application/x-protobuf" });
    expect(garbage.status).toBe(400);
    expect(receiver.recordCount).toBe(0);
  });

  it("refuses a body over maxBodyBytes with 413 and missing credentials with 401", async () => {
    receiver = await startOtlpReceiver({ maxBodyBytes: 100, requiredHeaders: { "api-key": "k" } });
    expect(
      (await post("/v1/logs", protobufBody(["a", "b", "c"]), { "content-type": "application/x-protobuf", "api-key": "k" })).status,
    ).toBe(413);
    const noKey = await post("/v1/logs", protobufBody([]), { "content-type": "application/x-protobuf" });
    expect(noKey.status).toBe(401);
  });

  it("simulates 429 with Retry-After, 503 and a partial success", async () => {
    receiver = await startOtlpReceiver();
    await receiver.setFault({ mode: "status", status: 429, retryAfter: 3, message: "slow down", count: 1 });
    const throttled = await post("/v1/logs", jsonBody(["a"]), { "content-type": "application/json" });
    expect([throttled.status, throttled.headers.get("retry-after")]).toEqual([429, "3"]);
    expect(decodeStatus(throttled.body, "json")).toEqual({ code: 8, message: "slow down" });
    await receiver.setFault({ mode: "status", status: 503, count: 1 });
    expect((await post("/v1/logs", jsonBody(["a"]), { "content-type": "application/json" })).status).toBe(503);
    await receiver.setFault({ mode: "partial", rejected: 1, message: "one refused", count: 1 });
    const partial = await post("/v1/logs", jsonBody(["a", "b"]), { "content-type": "application/json" });
    expect(JSON.parse(partial.body.toString("utf8"))).toEqual({ partialSuccess: { rejectedLogRecords: "1", errorMessage: "one refused" } });
    expect(receiver.eventIds()).toEqual(["a"]);
  });

  it("keeps only ids and counts with keepRecords: false, protobuf and JSON alike", async () => {
    receiver = await startOtlpReceiver({ keepRecords: false });
    await post("/v1/logs", protobufBody(["a", "b"]), { "content-type": "application/x-protobuf" });
    await post("/v1/logs", jsonBody(["c"]), { "content-type": "application/json" });
    expect([receiver.records.length, receiver.recordCount, receiver.eventIds()]).toEqual([0, 3, ["a", "b", "c"]]);
  });
});
