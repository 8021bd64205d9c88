import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** TLS: trust, client certificate. */
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  /** Abort after this long. @default 3000 */
  timeoutMs?: number;
}

/** One request on a fresh connection (no keep-alive pool left behind). */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const target = new URL(options.path ?? "/", url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "POST",
        headers: options.headers,
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        servername: options.servername,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** JSON POST, as a sink would send it. */
export function postJson(url: string, value: unknown, extra: RawRequestOptions = {}): Promise<RawResponse> {
  return rawRequest(url, { ...extra, headers: { "content-type": "application/json", ...extra.headers }, body: JSON.stringify(value) });
}
