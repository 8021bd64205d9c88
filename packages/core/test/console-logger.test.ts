import { describe, expect, it } from "vitest";
import { createConsoleLogger } from "@iw/core";

function capture(options: Parameters<typeof createConsoleLogger>[0] = {}) {
  const lines: string[] = [];
  let t = Date.parse("2026-04-06T12:00:00Z");
  const logger = createConsoleLogger({ write: (l) => void lines.push(l), now: () => t, ...options });
  return { logger, lines, advance: (ms: number) => (t += ms) };
}

describe("createConsoleLogger", () => {
  it("writes one JSON line per message with level, message and fields", () => {
    const { logger, lines } = capture();
    logger.warn("sink logstash in backoff", { sink: "logstash", attempt: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: "2026-04-06T12:00:00.000Z",
      level: "warn",
      logger: "iw",
      msg: "sink logstash in backoff",
      sink: "logstash",
      attempt: 3,
    });
  });

  it("writes logfmt when asked, quoting where needed", () => {
    const { logger, lines } = capture({ format: "logfmt" });
    logger.info("sink active", { sink: "webhook:soc", n: 2 });
    expect(lines[0]).toBe('time=2026-04-06T12:00:00.000Z level=info logger=iw msg="sink active" sink=webhook:soc n=2\n');
  });

  it("drops messages below the level", () => {
    const { logger, lines } = capture({ level: "warn" });
    logger.debug("d");
    logger.info("i");
    logger.error("e");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["e"]);
  });

  it("rate-limits a repeated message and says how many were suppressed", () => {
    const { logger, lines, advance } = capture({ perMinute: 3 });
    for (let i = 0; i < 10; i++) logger.error("collector down", { i });
    logger.error("another message");
    expect(lines).toHaveLength(4);
    advance(60_000);
    logger.error("collector down", { i: 99 });
    const msgs = lines.map((l) => JSON.parse(l) as { msg: string; suppressed?: number; i?: number });
    expect(msgs.slice(4)).toEqual([
      expect.objectContaining({ msg: "suppressed 7 repeats of: collector down", suppressed: 7 }),
      expect.objectContaining({ msg: "collector down", i: 99 }),
    ]);
  });

  it("masks secrets in messages and fields", () => {
    const { logger, lines } = capture({ secrets: ["s3cr3t-value"] });
    logger.error("POST https://user:pw@logs.example/x failed; password=hunter2 token: abc s3cr3t-value", {
      password: "hunter2",
      url: "https://admin:pw@host/",
      nested: { apiToken: "t0k3n" },
      err: new Error("auth header Authorization: Bearer xyz"),
    });
    const line = lines[0]!;
    for (const secret of ["hunter2", "pw@", "abc", "s3cr3t-value", "t0k3n", "xyz"]) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ password: "****", url: "https://***@host/", nested: { apiToken: "****" } });
  });

  it("never throws, even when write does", () => {
    const logger = createConsoleLogger({
      write: () => {
        throw new Error("EPIPE");
      },
    });
    expect(() => logger.error("x")).not.toThrow();
  });
});
