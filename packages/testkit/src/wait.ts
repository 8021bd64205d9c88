/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** How often to look again. @default 10 */
  readonly intervalMs?: number;
  /** Names what is awaited in the timeout error ("3 events at the receiver"). */
  readonly what?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined` (or `false`), then resolves to
 * it. Rejects with a message naming `what` and the last probe error after `timeoutMs`. Its timer
 * is cleared on every path, so a waiting test never keeps the process alive.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`waited ${timeoutMs} ms for ${options.what ?? "a condition"}${why}`);
    }
    await delay(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (resolving `false` then, `true` when the
 * time elapsed). Never rejects; the timer and the abort listener are always removed.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
