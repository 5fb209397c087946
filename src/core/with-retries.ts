import pRetry from 'p-retry';
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
 * p-retry counts attempts; the wait itself is ours (retryDelayMs, honouring Retry-After) and
 * happens inside `shouldRetry`, so it only happens when another attempt really follows.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? defaultRetryPolicy;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let backoffStep = 0;
  const unresolvedHost = new UnresolvedHost();
  return pRetry(operation, {
    retries: policy.retries,
    minTimeout: 0,
    maxTimeout: 0,
    factor: 1,
    signal: options.signal,
    shouldConsumeRetry: ({ error }) => options.consumesRetry?.(error) ?? true,
    shouldRetry: async ({ error, attemptNumber }) => {
      if (options.signal?.aborted || !(options.isRetryable ?? isTransientError)(error)) return false;
      if (unresolvedHost.givesUp(error)) return false;
      const asked = serverAskedDelayMs(error);
      if (asked !== undefined && asked > policy.maxRetryAfterMs) {
        throw new EzvideoError(
          'server',
          `${error.message}; the server asks to retry after ${formatDuration(asked)}, more than the ${formatDuration(policy.maxRetryAfterMs)} ezvideo waits`,
          { cause: error, hint: 'Try again later.' },
        );
      }
      backoffStep = options.consumesRetry?.(error) === false ? 1 : backoffStep + 1;
      const delayMs = retryDelayMs(backoffStep, policy, asked, options.random);
      if (options.maxTimeMs !== undefined && now() + delayMs - started > options.maxTimeMs) return false;
      options.onRetry?.({ failedAttempt: attemptNumber, delayMs, error });
      await sleep(delayMs, options.signal);
      return true;
    },
  });
}
