import { readFile } from "node:fs/promises";
import { connect } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateTestCertificates, startLogstashReceiver, writeTestCertificates } from "../src/index.js";
import type { LogstashReceiver, TestCertificates } from "../src/index.js";
import { postJson } from "./http-client.js";

let certs: TestCertificates;
let receiver: LogstashReceiver | undefined;
beforeAll(async () => {
  certs = await generateTestCertificates();
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

describe("Logstash receiver: TLS", () => {
  it("serves HTTPS with a server certificate for 127.0.0.1 and localhost, signed by the test CA", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } });
    expect(receiver.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert })).status).toBe(200);
    const viaLocalhost = receiver.url.replace("127.0.0.1", "localhost");
    expect((await postJson(viaLocalhost, { a: 2 }, { ca: certs.ca.cert })).status).toBe(200);
    expect(receiver.events).toHaveLength(2);
  });

  it("fails verification with an unrelated CA, a wrong-host and an expired certificate", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } });
    const unknownCa = await postJson(receiver.url, { a: 1 }, { ca: certs.otherCa.cert }).catch((e: unknown) => e);
    expect(errorCode(unknownCa)).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    await receiver.close();
    receiver = await startLogstashReceiver({ tls: { cert: certs.serverWrongHost.cert, key: certs.serverWrongHost.key } });
    const wrongHost = await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert }).catch((e: unknown) => e);
    expect(errorCode(wrongHost)).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    await receiver.close();
    receiver = await startLogstashReceiver({ tls: { cert: certs.serverExpired.cert, key: certs.serverExpired.key } });
    const expired = await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert }).catch((e: unknown) => e);
    expect(errorCode(expired)).toBe("CERT_HAS_EXPIRED");
    expect(receiver.events).toHaveLength(0);
  });

  it("refuses TLS 1.1 and accepts TLS 1.2 and 1.3", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } });
    const handshake = (version: "TLSv1.1" | "TLSv1.2" | "TLSv1.3"): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: "127.0.0.1", port: receiver!.port, ca: certs.ca.cert, minVersion: version, maxVersion: version });
        socket.once("secureConnect", () => {
          resolve(socket.getProtocol() ?? "?");
          socket.destroy();
        });
        socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
      });
    expect(await handshake("TLSv1.2")).toBe("TLSv1.2");
    expect(await handshake("TLSv1.3")).toBe("TLSv1.3");
    expect(await handshake("TLSv1.1")).not.toMatch(/^TLSv/);
  });

  it("mTLS required: accepts the CA's client certificate, refuses none and a foreign one", async () => {
    receiver = await startLogstashReceiver({
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, clientAuthentication: "required" },
    });
    const ok = await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
    expect(ok.status).toBe(200);
    const without = await postJson(receiver.url, { a: 2 }, { ca: certs.ca.cert }).catch((e: unknown) => e);
    expect(without).toBeInstanceOf(Error);
    const foreign = await postJson(
      receiver.url,
      { a: 3 },
      { ca: certs.ca.cert, cert: certs.otherClient.cert, key: certs.otherClient.key },
    ).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(Error);
    expect(receiver.events.map((e) => e["a"])).toEqual([1]);
  });

  it("mTLS optional: accepts no certificate or a valid one, refuses a foreign one", async () => {
    receiver = await startLogstashReceiver({
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, clientAuthentication: "optional" },
    });
    expect((await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert })).status).toBe(200);
    expect((await postJson(receiver.url, { a: 2 }, { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key })).status).toBe(
      200,
    );
    const foreign = await postJson(
      receiver.url,
      { a: 3 },
      { ca: certs.ca.cert, cert: certs.otherClient.cert, key: certs.otherClient.key },
    ).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(Error);
    expect(receiver.events.map((e) => e["a"])).toEqual([1, 2]);
  });

  it("blackhole over TLS: the handshake itself never completes", async () => {
    receiver = await startLogstashReceiver({ tls: { cert: certs.server.cert, key: certs.server.key } });
    await receiver.setFault("blackhole");
    const err = await postJson(receiver.url, { a: 1 }, { ca: certs.ca.cert, timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
  });

  it("writes the certificates to PEM files for *_CA_FILE variables, and removes them", async () => {
    const files = await writeTestCertificates(certs);
    expect(await readFile(files.caFile, "utf8")).toBe(certs.ca.cert);
    expect(await readFile(files.clientKeyFile, "utf8")).toBe(certs.client.key);
    await files.cleanup();
    await files.cleanup();
    await expect(readFile(files.caFile, "utf8")).rejects.toThrow(/ENOENT/);
  });
});
