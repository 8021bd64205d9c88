import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll } from "vitest";
import { generateTestCertificates, writeTestCertificates, type TestCertificateFiles, type TestCertificates } from "@iw/testkit";
import type { IwEvent, Logger } from "@iw/core";
import type { SendContext } from "@iw/core/sink-kit";
import { plugin } from "../src/index.js";
import type { LogstashSink } from "../src/index.js";

/** A logger that keeps every line, for assertions on what an operator would read. */
export function recordingLogger(): Logger & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields === undefined ? "" : ` ${JSON.stringify(fields)}`}`);
  };
  return { lines, text: () => lines.join("\n"), debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

let batchCounter = 0;

/** A send context whose signal fires after `timeoutMs` (a `TimeoutError`, as the queue's deadline). */
export function ctx(timeoutMs = 5000, attempt = 1): SendContext {
  return { signal: AbortSignal.timeout(timeoutMs), attempt, batchId: `batch-${++batchCounter}` };
}

/** Builds the sink the way activation does: env → plugin.options → plugin.create. */
export function sinkFromEnv(env: Record<string, string>, logger: Logger = recordingLogger()): LogstashSink {
  const parsed = plugin.options.safeParse(env);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return plugin.create(parsed.data, { logger, env }) as LogstashSink;
}

/** The `event_id`s of a list of events. */
export function ids(events: readonly (IwEvent | Record<string, unknown>)[]): string[] {
  return events.map((e) => (e as { event_id: string }).event_id);
}

/**
 * Test certificates (a CA, server and client pairs) made once for the file, written to disk for
 * the `*_FILE` variables and removed afterwards. Read its fields inside tests, not at import.
 */
export function useTestCertificates(): { readonly certs: TestCertificates; readonly files: TestCertificateFiles } {
  const state = {} as { certs: TestCertificates; files: TestCertificateFiles };
  beforeAll(async () => {
    state.certs = await generateTestCertificates();
    state.files = await writeTestCertificates(state.certs);
  });
  afterAll(async () => {
    await state.files.cleanup();
  });
  return state;
}

/** One request as {@link startRawServer} saw it. */
export interface RawRequest {
  readonly headers: IncomingHttpHeaders;
  /** The body bytes exactly as they came over the wire. */
  readonly body: Buffer;
}

/** A bare HTTP server for faults the testkit receiver does not simulate. */
export interface RawServer {
  readonly url: string;
  readonly requests: readonly RawRequest[];
  /** The events of every request, gunzipped when it was. */
  events(): Record<string, unknown>[];
  /** Destroys every socket, answered or not. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1, port 0, that records each request body in full and
 * then lets `answer` respond (or not) to the request numbered `index` (0-based).
 */
export async function startRawServer(answer: (res: ServerResponse, index: number) => void): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const index = requests.push({ headers: req.headers, body: Buffer.concat(chunks) }) - 1;
      answer(res, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    events: () =>
      requests.flatMap((r) => {
        const json = r.headers["content-encoding"] === "gzip" ? gunzipSync(r.body) : r.body;
        return JSON.parse(json.toString("utf8")) as Record<string, unknown>[];
      }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
