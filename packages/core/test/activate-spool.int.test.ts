import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { activate, scanLog } from "@iw/core";
import { defineSinkPlugin } from "@iw/core/sink-kit";
import type { Dispatcher, IwEvent } from "@iw/core";
import type { SendResult } from "@iw/core/sink-kit";
import { IwError } from "../src/diagnostics/errors.js";
import { recordingLogger } from "./helpers/memory-plugin.js";

/** A destination that is down or up, as the test says; it records what it accepted. */
function switchable() {
  const state = { up: false, received: [] as string[] };
  const plugin = defineSinkPlugin({
    name: "sw",
    env: "IW_SW_URL",
    options: z.object({ IW_SW_URL: z.string() }),
    create: () => ({
      name: "sw",
      send(batch: readonly IwEvent[]): Promise<SendResult> {
        if (!state.up) return Promise.resolve({ status: "retryable", reason: "network", error: new IwError("IW_NETWORK", "ECONNREFUSED") });
        state.received.push(...batch.map((e) => e.event_id));
        return Promise.resolve({ status: "success" });
      },
      close: () => Promise.resolve(),
    }),
  });
  return { plugin, state };
}

const scan = (id: string) =>
  scanLog({
    event_id: id,
    direction: "input",
    decision: "block",
    anomaly_score: 9,
    threshold: 5,
    policy: "default",
    request_id: id,
    matches: [],
  });
const dirs: string[] = [];
let open: Dispatcher[] = [];

afterEach(async () => {
  await Promise.all(open.map((d) => d.close(500)));
  open = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spoolDir(): string {
  const d = mkdtempSync(join(tmpdir(), "iw-spool-act-"));
  dirs.push(d);
  return d;
}

async function start(env: Record<string, string>, sw: ReturnType<typeof switchable>) {
  const { logger, lines } = recordingLogger();
  const d = await activate({
    env: {
      IW_SW_URL: "mem://x",
      IW_SUMMARY_INTERVAL_S: "0",
      IW_EXIT_FLUSH_MS: "0",
      IW_SW_RETRY_MAX_MS: "50",
      IW_SW_FLUSH_MS: "10",
      ...env,
    },
    plugins: [sw.plugin],
    logger,
  });
  open.push(d);
  return { d, lines };
}

describe("activate() with IW_SPOOL_DIR", () => {
  it("keeps what a dead collector did not take across a restart, and sends it first", async () => {
    const dir = spoolDir();
    const first = switchable();
    const a = await start({ IW_SPOOL_DIR: dir, IW_SPOOL_FLUSH_MS: "5" }, first);
    for (let i = 0; i < 40; i++) a.d.emit(scan(`old-${i}`));
    expect(await a.d.close(300)).toBe(false);
    expect(a.d.stats()[0]).toMatchObject({ emitted: 40, spooled: 40, dropped: { total: 0 } });
    expect(readdirSync(join(dir, "sw")).some((f) => f.endsWith(".seg"))).toBe(true);

    const second = switchable();
    second.state.up = true;
    const b = await start({ IW_SPOOL_DIR: dir }, second);
    b.d.emit(scan("new-0"));
    expect(await b.d.flush(5000)).toBe(true);
    expect(second.state.received).toEqual([...Array.from({ length: 40 }, (_, i) => `old-${i}`), "new-0"]);
    expect(b.lines.some((l) => l.message.includes("replaying 40 events left in the spool"))).toBe(true);
    await b.d.close(500);

    const third = switchable();
    third.state.up = true;
    const c = await start({ IW_SPOOL_DIR: dir }, third);
    expect(await c.d.flush(2000)).toBe(true);
    expect(third.state.received).toEqual([]); // acknowledged events are not sent again
  });

  it("leaves a sink in memory with IW_<P>_SPOOL=off", async () => {
    const dir = spoolDir();
    const sw = switchable();
    sw.state.up = true;
    const { d } = await start({ IW_SPOOL_DIR: dir, IW_SW_SPOOL: "off" }, sw);
    d.emit(scan("x"));
    expect(await d.flush(2000)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("runs the sink in memory, with one clear error, when the spool directory cannot be used", async () => {
    const base = spoolDir();
    const file = join(base, "not-a-directory");
    writeFileSync(file, "x");
    const sw = switchable();
    sw.state.up = true;
    const { d, lines } = await start({ IW_SPOOL_DIR: join(file, "spool") }, sw);
    d.emit(scan("still-delivered"));
    expect(await d.flush(2000)).toBe(true);
    expect(sw.state.received).toEqual(["still-delivered"]);
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/sink sw: the spool in .* cannot be used, so this sink keeps its events in memory only/);
  });

  it("refuses a second process's use of the same directory with a clear line, and that process keeps running in memory", async () => {
    const dir = spoolDir();
    const one = switchable();
    await start({ IW_SPOOL_DIR: dir }, one);
    const two = switchable();
    two.state.up = true;
    const { d, lines } = await start({ IW_SPOOL_DIR: dir }, two);
    d.emit(scan("y"));
    expect(await d.flush(2000)).toBe(true);
    expect(two.state.received).toEqual(["y"]);
    const errors = lines
      .filter((l) => l.level === "error")
      .map((l) => l.message)
      .join("\n");
    expect(errors).toMatch(new RegExp(`cannot be used, so this sink keeps its events in memory only: .*in use by process ${process.pid}`));
  });
});
