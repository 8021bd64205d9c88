/** How much of an error response body is kept for the error message. @default 512 */
export const RESPONSE_DETAIL_BYTES = 512;
/** How long an error body may take to yield its excerpt; the status alone is enough after that. @default 1000 */
export const RESPONSE_DETAIL_TIMEOUT_MS = 1000;
/** How long a 2xx body is drained in the background (so the connection can be reused) before it is cut. @default 2000 */
export const SUCCESS_BODY_DRAIN_MS = 2000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]+/g;

/** A response body as undici hands it over. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  destroy(err?: Error): unknown;
  dump?(options?: { limit?: number; signal?: AbortSignal }): Promise<void>;
}

/**
 * Reads the start of an error response body, printable, for an error message; the rest is
 * discarded and the body destroyed. Bounded in bytes and in time: a collector that sends its
 * error body slowly, or never ends it, cannot hold the attempt. Never throws.
 */
export async function readResponseDetail(
  body: ResponseBody,
  maxBytes: number = RESPONSE_DETAIL_BYTES,
  timeoutMs: number = RESPONSE_DETAIL_TIMEOUT_MS,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = (async () => {
    try {
      for await (const chunk of body) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxBytes) break;
      }
    } catch {
      // Only decoration for the message.
    }
  })();
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref?.();
  });
  await Promise.race([read, late]);
  clearTimeout(timer);
  try {
    body.destroy();
  } catch {
    // Already destroyed.
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8").replace(CONTROL, " ").trim();
}

/**
 * Reads a whole response body of at most `maxBytes` within `timeoutMs`, for a protocol whose
 * 2xx body matters (OTLP's partial success). `undefined` when it is larger, late or broken; the
 * body is destroyed in every case. Never throws.
 *
 * @experimental New with OTLP's partial success; may change in a minor release.
 */
export async function readResponseBody(
  body: ResponseBody,
  maxBytes: number,
  timeoutMs: number = RESPONSE_DETAIL_TIMEOUT_MS,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = (async (): Promise<Uint8Array | undefined> => {
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes) return undefined;
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } catch {
      return undefined;
    }
  })();
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref?.();
  });
  const result = await Promise.race([read, late]);
  clearTimeout(timer);
  try {
    body.destroy();
  } catch {
    // Already destroyed.
  }
  return result;
}

/**
 * The status line of a 2xx is the receipt: call this instead of awaiting the body. The body is
 * drained in the background (so the keep-alive connection can serve the next request) and cut
 * after {@link SUCCESS_BODY_DRAIN_MS}; a body that never ends costs one connection, never a
 * resend.
 */
export function releaseBody(body: ResponseBody): void {
  const cut = (): void => {
    try {
      body.destroy();
    } catch {
      // Already destroyed.
    }
  };
  if (typeof body.dump !== "function") return cut();
  body.dump({ limit: 64 * 1024, signal: AbortSignal.timeout(SUCCESS_BODY_DRAIN_MS) }).catch(cut);
}
