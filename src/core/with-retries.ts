import { EzvideoError } from '../errors.js';
import { defaultRetryPolicy, isTransientError, retryDelayMs, type RetryPolicy, serverAskedDelayMs, UnresolvedHost } from './retry-policy.js';
import { formatDuration } from '../units.js';
import { realSleep, type Sleep } from './time.js';

export interface RetryInfo {
  /** The attempt that just failed (1 for the first); the next starts after `delayMs`. */
  failedAttempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  policy?: RetryPolicy | undefined;
  signal?: AbortSignal | undefined;
  sleep?: Sleep | undefined;
  random?: (() => number) | undefined;
  now?: (() => number) | undefined;
  /** Overall budget: no retry is started that would begin after this many ms. */
  maxTimeMs?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Which failures are worth another attempt; transient network and HTTP errors by default. */
  isRetryable?: ((error: unknown) => boolean) | undefined;
  /**
   * Whether a failure uses up one of `policy.retries`. A download attempt that moved the file
   * forward did useful work; counting it would make a big file on a flaky link fail although
   * every attempt progressed.
   */
  consumesRetry?: ((error: unknown) => boolean) | undefined;
}

/**
 * Runs `operation` until it succeeds, fails with a non-transient error, or the budget is spent.
 * A plain loop rather than p-retry: every wait must honour the server's Retry-After, restart
 * the backoff after an attempt that made progress, and go through the injected `sleep` (the
 * tests and the fault matrix record each wait instead of sitting through it), and p-retry's own
 * timing can do none of that; what was left of it was an attempt counter.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? defaultRetryPolicy;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let retriesLeft = policy.retries;
  let backoffStep = 0;
  const unresolvedHost = new UnresolvedHost();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted || !(options.isRetryable ?? isTransientError)(error)) throw error;
      if (retriesLeft === 0 || unresolvedHost.givesUp(error)) throw error;
      const asked = serverAskedDelayMs(error);
      if (asked !== undefined && asked > policy.maxRetryAfterMs) {
        throw new EzvideoError(
          'server',
          `${(error as Error).message}; the server asks to retry after ${formatDuration(asked)}, more than the ${formatDuration(policy.maxRetryAfterMs)} ezvideo waits`,
          { cause: error, hint: 'Try again later.' },
        );
      }
      const consumesRetry = options.consumesRetry?.(error) ?? true;
      if (consumesRetry) retriesLeft -= 1;
      backoffStep = consumesRetry ? backoffStep + 1 : 1;
      const delayMs = retryDelayMs(backoffStep, policy, asked, options.random);
      if (options.maxTimeMs !== undefined && now() + delayMs - started > options.maxTimeMs) throw error;
      options.onRetry?.({ failedAttempt: attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}
