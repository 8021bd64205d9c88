/** How much of an error response body is kept for the error message. @default 512 */
export const RESPONSE_DETAIL_BYTES = 512;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]+/g;

/**
 * Reads the start of an error response body, printable, for an error message; the rest is
 * discarded and the body destroyed so the connection can be reused or closed. Never throws:
 * the status is what matters, a body cut short changes nothing.
 */
export async function readResponseDetail(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  maxBytes: number = RESPONSE_DETAIL_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // Only decoration for the message.
  }
  try {
    body.destroy();
  } catch {
    // Already destroyed.
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8").replace(CONTROL, " ").trim();
}
