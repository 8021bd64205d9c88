/** Waits for `promise` at most `ms` (a ref'd, bounded wait the caller asked for); never rejects. */
export async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.resolve(promise).catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
