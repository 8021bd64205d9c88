/** Where a receiver listens when the test does not say. */
export const DEFAULT_RECEIVER_HOST = "127.0.0.1";

/** A listening address as the host part of a URL: IPv6 in brackets. */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
