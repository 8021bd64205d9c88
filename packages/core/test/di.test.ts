import "reflect-metadata";
import { afterEach, describe, expect, it } from "vitest";
import { container as rootContainer } from "tsyringe";
import type { DependencyContainer } from "tsyringe";
import { NOOP_DISPATCHER } from "../src/dispatch/index.js";
import { scanLog } from "@iw/core";
import type { Dispatcher, IwEvent } from "@iw/core";
import { IW_DISPATCHER, IW_EMIT, IW_LOGGER, IW_SINK_STATS, registerIwSinks } from "@iw/core/di";
import { memoryPlugin, recordingLogger } from "./helpers/memory-plugin.js";

/** A host service, decorator-free, wired with useFactory. */
class ScanService {
  constructor(readonly emit: (e: IwEvent) => void) {}
  scanned(): void {
    this.emit(
      scanLog({ direction: "input", decision: "allow", anomaly_score: 0, threshold: 10, policy: "p", request_id: "r", matches: [] }),
    );
  }
}

let child: DependencyContainer;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.close(1000);
  child.clearInstances();
});

describe("registerIwSinks", () => {
  it("registers the dispatcher, emit and a stats factory in a real tsyringe container", async () => {
    child = rootContainer.createChildContainer();
    const { logger, lines } = recordingLogger();
    child.register(IW_LOGGER, { useValue: logger });
    const { plugin, records } = memoryPlugin();
    dispatcher = await registerIwSinks(child, { env: { IW_MEM_URL: "mem://a", IW_MEM_FLUSH_MS: "0" }, plugins: [plugin] });
    child.register(ScanService, { useFactory: (c) => new ScanService(c.resolve(IW_EMIT)) });

    expect(child.resolve(IW_DISPATCHER)).toBe(dispatcher);
    child.resolve(ScanService).scanned();
    expect(await dispatcher.flush(2000)).toBe(true);
    expect(records[0]!.batches.flat()).toHaveLength(1);
    expect(child.resolve(IW_SINK_STATS)).toEqual([expect.objectContaining({ sink: "mem", delivered: 1 })]);
    expect(lines.some((l) => l.message === "sink mem active (events: all, redact: mask (matches.matched_text))")).toBe(true); // the container's logger was used
  });

  it("registers the no-op dispatcher when nothing is configured", async () => {
    child = rootContainer.createChildContainer();
    dispatcher = await registerIwSinks(child, { env: {}, logger: recordingLogger().logger });
    expect(child.resolve(IW_DISPATCHER)).toBe(NOOP_DISPATCHER);
    expect(child.resolve(IW_SINK_STATS)).toEqual([]);
  });
});
