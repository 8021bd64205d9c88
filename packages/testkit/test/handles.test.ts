import { connect as tlsConnect, createServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { generateTestCertificates } from "../src/index.js";
import { trackHandles } from "../src/handles.js";

describe("trackHandles", () => {
  it("counts a TLS socket as closed once destroyed (Node releases its wrap only at the next GC), and open before", async () => {
    const certs = await generateTestCertificates();
    const server = createServer({ key: certs.server.key, cert: certs.server.cert }, (s) => s.on("error", () => {}));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const tracker = trackHandles();
    try {
      const c = tlsConnect({ port: (server.address() as { port: number }).port, host: "127.0.0.1", ca: certs.ca.cert });
      await new Promise((r) => c.once("secureConnect", r));
      expect(tracker.open().some((h) => h.startsWith("TLSWRAP"))).toBe(true);
      c.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(tracker.open().filter((h) => h.startsWith("TLSWRAP"))).toEqual([]);
    } finally {
      tracker.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
