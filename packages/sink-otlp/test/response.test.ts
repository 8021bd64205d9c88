import { describe, expect, it } from "vitest";
import { encodeExportLogsResponse } from "@iw/testkit";
import { readPartialSuccess } from "../src/response.js";

const pb = { "content-type": "application/x-protobuf" };
const json = { "content-type": "application/json; charset=utf-8" };

describe("readPartialSuccess", () => {
  it("reads rejected_log_records and error_message in either encoding", () => {
    expect(readPartialSuccess(encodeExportLogsResponse("protobuf", { rejected: 4, message: "too big" }), pb)).toEqual({
      rejected: 4,
      message: "too big",
    });
    expect(readPartialSuccess(encodeExportLogsResponse("json", { rejected: 4, message: "too big" }), json)).toEqual({
      rejected: 4,
      message: "too big",
    });
  });

  it("says nothing for a full success, an empty body, or a body that is no OTLP response", () => {
    expect(readPartialSuccess(encodeExportLogsResponse("protobuf", undefined), pb)).toBeUndefined();
    expect(readPartialSuccess(Buffer.from('{"partialSuccess":{}}'), json)).toBeUndefined();
    expect(readPartialSuccess(Buffer.alloc(0), pb)).toBeUndefined();
    // A proxy's page after a 200 must not be read as refused records.
    expect(readPartialSuccess(Buffer.from("<html>\n<b>ok</b></html>"), { "content-type": "text/html" })).toBeUndefined();
    expect(readPartialSuccess(Buffer.from("not json"), json)).toBeUndefined();
  });

  it("keeps a warning (nothing refused, a message) and strips control characters from it", () => {
    expect(readPartialSuccess(encodeExportLogsResponse("json", { rejected: 0, message: "slow\ndown" }), json)).toEqual({
      rejected: 0,
      message: "slow down",
    });
  });
});
