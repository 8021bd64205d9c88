import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { HostEvents } from "../src/host-events.js";
import { scan } from "../src/scanner.js";
import { FakeDispatcher } from "./fake-dispatcher.js";

describe("HostEvents", () => {
  it("stamps service and the machine's host name by default", () => {
    const iw = new FakeDispatcher();
    new HostEvents(iw).audit("lifecycle", "start");
    expect(iw.events[0]).toMatchObject({ service: "firewall-host", host: hostname(), category: "lifecycle", action: "start", details: {} });
  });

  it("leaves host out when it is null", () => {
    const iw = new FakeDispatcher();
    new HostEvents(iw, { service: "s", host: null }).scan("input", scan("hi", "input"), "req-1");
    expect(iw.events[0]).toMatchObject({ service: "s", request_id: "req-1" });
    expect(Object.keys(iw.events[0]!)).not.toContain("host");
  });

  it("builds nothing when the dispatcher is disabled", () => {
    const iw = new FakeDispatcher({ enabled: false });
    const events = new HostEvents(iw);
    events.audit("auth", "auth_failed");
    events.scan("output", scan("hi", "output"), "req-2");
    expect(iw.events).toEqual([]);
  });
});
