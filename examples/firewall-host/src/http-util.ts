import type { IncomingMessage, ServerResponse } from "node:http";

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Why a body could not be read. */
export type BodyProblem = "too_large" | "aborted";

/**
 * Reads a request body up to `maxBytes`. Past the limit it stops buffering and resolves
 * `"too_large"` (the caller answers 413 and closes the connection).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | BodyProblem> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      resolve("too_large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | BodyProblem): void => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        req.resume();
        finish("too_large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => finish(Buffer.concat(chunks, size)));
    req.on("close", () => finish("aborted")); // after "end" this is a no-op
    req.on("error", () => finish("aborted"));
  });
}

/** The `text` field of a scan request, or why the body is not one. */
export function parseScanRequest(body: Buffer): { text: string } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return { error: "body is not valid JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { error: 'body must be a JSON object like {"text": "..."}' };
  }
  const text = (parsed as { text?: unknown }).text;
  if (typeof text !== "string") return { error: 'field "text" must be a string' };
  return { text };
}
