/** The longest delay `setTimeout` honours; a longer one (or Infinity) fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/** `ms` as a `setTimeout` delay: at least 0, and a delay past {@link MAX_TIMER_MS} waits that long rather than 1 ms. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

/** Waits for `promise` at most `ms` (a ref'd, bounded wait the caller asked for); never rejects. */
export async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timerDelay(ms));
  });
  try {
    await Promise.race([Promise.resolve(promise).catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
