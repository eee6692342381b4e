import { sleep } from './proc-fs.js';

export interface WaitOptions {
  /** Hard limit; default 10 000 ms. */
  timeoutMs?: number;
  /** Poll interval; default 50 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("pid 42 to be stopped"). */
  what?: string;
}

export class WaitTimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `fn` until it returns a truthy value and resolves with that value. A throwing `fn`
 * counts as "not yet"; its last error is attached to the timeout error as the cause.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'a condition' }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      lastValue = value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
  const detail =
    lastError !== undefined
      ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})`
      : ` (last value: ${JSON.stringify(lastValue) ?? String(lastValue)})`;
  throw new WaitTimeoutError(
    `Timed out after ${timeoutMs} ms waiting for ${what}${detail}`,
    lastError === undefined ? undefined : { cause: lastError },
  );
}
