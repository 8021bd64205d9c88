import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { activate, auditEvent, scanLog } from "@iw/core";
import type { IwEvent, Logger } from "@iw/core";
import { makeTestEvents } from "@iw/testkit";
import { JsonlFileSink, plugin } from "../src/index.js";

const ctx = () => ({ signal: new AbortController().signal, attempt: 1, batchId: "b1" });
const readLines = async (path: string): Promise<IwEvent[]> =>
  (await readFile(path, "utf8").catch(() => ""))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IwEvent);

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "iw-jsonl-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("JsonlFileSink", () => {
  it("appends one JSON line per event", async () => {
    const path = join(await tempDir(), "events.jsonl");
    const sink = new JsonlFileSink({ path });
    const events = makeTestEvents(3);
    expect(await sink.send(events, ctx())).toEqual({ status: "success" });
    expect(await sink.send(events.slice(0, 1), ctx())).toEqual({ status: "success" });
    expect((await readLines(path)).map((e) => e.event_id)).toEqual([...events, events[0]].map((e) => e!.event_id));
    await sink.close();
  });

  it("rotates by size and keeps maxFiles old files", async () => {
    const dir = await tempDir();
    const path = join(dir, "events.jsonl");
    const sink = new JsonlFileSink({ path, maxBytes: 2048, maxFiles: 2 });
    for (let i = 0; i < 20; i++) expect((await sink.send(makeTestEvents(2), ctx())).status).toBe("success");
    expect((await readdir(dir)).sort()).toEqual(["events.jsonl", "events.jsonl.1", "events.jsonl.2"]);
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), "utf8");
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    }
    await sink.close();
  });

  it("reports a missing directory as a permanent failure naming the file", async () => {
    const path = join(await tempDir(), "no-such-dir", "events.jsonl");
    const result = await new JsonlFileSink({ path }).send(makeTestEvents(1), ctx());
    expect(result.status).toBe("failure");
    expect(result.status === "failure" && result.error.message).toContain("ENOENT");
  });
});

describe("options", () => {
  it("refuses in code what it refuses in the variables, naming the variable", async () => {
    expect(() => new JsonlFileSink({ path: "relative.jsonl" })).toThrow(/^IW_JSONL_URL is invalid: not an absolute path/);
    expect(() => new JsonlFileSink({ path: "/tmp/x.jsonl", maxFiles: 0 })).toThrow(
      /^IW_JSONL_MAX_FILES is invalid: .*; expected a whole number from 1 to 100; default 5$/,
    );
    expect(() => new JsonlFileSink({ path: "/tmp/x.jsonl", maxFiles: 0, envPrefix: "IW_JSONL_ARCHIVE" })).toThrow(
      /^IW_JSONL_ARCHIVE_MAX_FILES /,
    );
    const r = plugin.options["~standard"].validate({
      IW_JSONL_URL: pathToFileURL(join(await tempDir(), "e.jsonl")).href,
      IW_JSONL_MAX_FILES: "0",
    });
    expect("issues" in r && r.issues?.map((i) => i.path)).toEqual([["IW_JSONL_MAX_FILES"]]);
  });
});

describe("registration", () => {
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

  it("activates from code, with core's filters applied", async () => {
    const path = join(await tempDir(), "events.jsonl");
    const iw = await activate({
      env: { IW_JSONL_URL: pathToFileURL(path).href, IW_JSONL_EVENTS: "scan:block", IW_JSONL_FLUSH_MS: "10" },
      plugins: [plugin],
      logger: quiet,
    });
    expect(iw.sinks).toEqual(["jsonl"]);
    const base = { direction: "input" as const, anomaly_score: 1, threshold: 10, policy: "default", request_id: "r", matches: [] };
    iw.emit(scanLog({ ...base, decision: "block" }));
    iw.emit(scanLog({ ...base, decision: "allow" }));
    expect(await iw.close(2000)).toBe(true);
    const lines = await readLines(path);
    expect(lines.filter((e) => e.log_type === "scan").map((e) => e.log_type === "scan" && e.decision)).toEqual(["block"]);
  });

  it("writes to a directory whose name holds a space (the URL's %20 decoded)", async () => {
    const dir = join(await tempDir(), "my logs");
    await mkdir(dir);
    const path = join(dir, "events.jsonl");
    expect(pathToFileURL(path).href).toContain("my%20logs");
    expect(plugin.options.parse({ IW_JSONL_URL: `file://${path}` }).path).toBe(path);
    const iw = await activate({
      env: { IW_JSONL_URL: pathToFileURL(path).href, IW_JSONL_FLUSH_MS: "10" },
      plugins: [plugin],
      logger: quiet,
    });
    const event = auditEvent({ category: "auth", action: "login_attempt" });
    iw.emit(event);
    expect(await iw.close(2000)).toBe(true);
    expect((await readLines(path)).map((e) => e.event_id)).toEqual([event.event_id]);
  });

  it("activates from IW_SINK_PLUGINS, and a bad variable names itself", async () => {
    const path = join(await tempDir(), "events.jsonl");
    const entry = pathToFileURL(join(import.meta.dirname, "..", "src", "index.ts")).href;
    const iw = await activate({ env: { IW_SINK_PLUGINS: entry, IW_JSONL_URL: pathToFileURL(path).href }, logger: quiet });
    expect(iw.sinks).toEqual(["jsonl"]);
    await iw.close(1000);

    const errors: string[] = [];
    const logger: Logger = { ...quiet, error: (m) => void errors.push(m) };
    const off = await activate({ env: { IW_SINK_PLUGINS: entry, IW_JSONL_URL: "/var/log/x.jsonl" }, logger });
    expect(off.enabled).toBe(false);
    expect(errors.join("\n")).toMatch(/IW_JSONL_URL.*\/var\/log\/x\.jsonl.*file:\/\/\//);
  });
});
