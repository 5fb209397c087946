import { isRetryableHttpError } from '../api/classify-response.js';
import { hostNotFound } from '../api/network-error.js';
import { EzvideoError, HttpError } from '../errors.js';
import { PlannedRetry } from './download-errors.js';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First backoff step. */
  baseDelayMs: number;
  /** Longest backoff step. */
  maxDelayMs: number;
  /** Longest wait a server may ask for with Retry-After before we give up instead. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/**
 * A host name that does not resolve is retried this many times in a row, a few seconds in all:
 * enough for a resolver's hiccup, where a minute of backoff would only delay the news that the
 * name is wrong or the machine is offline.
 */
const hostNotFoundRetries = 3;

/** Counts failures to resolve the host name (ENOTFOUND, EAI_AGAIN) in a row, for the downloads' retries and the waits' polls alike. */
export class UnresolvedHost {
  #inARow = 0;

  /** Notes a failure; true once the host has failed to resolve more often in a row than it is retried. */
  givesUp(error: unknown): boolean {
    this.#inARow = error instanceof EzvideoError && hostNotFound(error.causeCode) ? this.#inARow + 1 : 0;
    return this.#inARow > hostNotFoundRetries;
  }
}

/** Network failures and the HTTP statuses that mean "later" are worth another attempt. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof HttpError) return isRetryableHttpError(error);
  return error instanceof EzvideoError && error.code === 'network';
}

/**
 * The wait before retry number `retry` (1-based): exponential backoff with "equal jitter"
 * (half fixed, half random, so many clients that failed together spread out), but never less
 * than what the server asked for with Retry-After. A pure function so tests pin it directly.
 */
export function retryDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  serverAskedMs: number | undefined,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const backoff = Math.round(step / 2 + (random() * step) / 2);
  return serverAskedMs === undefined ? backoff : Math.max(serverAskedMs, backoff);
}

/** What the server asked for (or a planned retry's own pace), when the error carries it. */
export function serverAskedDelayMs(error: unknown): number | undefined {
  return error instanceof HttpError || error instanceof PlannedRetry ? error.retryAfterMs : undefined;
}
