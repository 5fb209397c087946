/**
 * `--limit-rate`: a token bucket that paces how fast response bodies are read. One bucket is
 * shared by everything a run downloads (every id, every connection of a split file): a shared
 * CI runner cares about the total its jobs take from the link, so `--limit-rate 2M` means 2 MiB/s
 * for the whole run, not per file or per connection.
 */
import { realSleep, type Sleep } from './time.js';

export interface RateLimiter {
  /**
   * Accounts for `bytes` just received and resolves once the rate allows the next read. The
   * caller does not read on while it waits, so the body's backpressure reaches the socket and
   * memory stays flat. Rejects with the signal's reason when it is aborted.
   */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  now?: (() => number) | undefined;
  sleep?: Sleep | undefined;
}

/**
 * What an idle moment may save up: a tenth of a second's worth. More would let the bytes after
 * a pause (between two ids, a retry's backoff) come in a burst above the limit.
 */
const burstSeconds = 0.1;

/**
 * Bytes are paid for once received, which may leave the bucket in debt: the taker then sleeps,
 * once, until the debt is paid. Takers at the same time each add their own bytes to the debt,
 * so they share the rate between them with no queue and no timer that polls.
 */
export class TokenBucket implements RateLimiter {
  readonly #bytesPerSecond: number;
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  /** Starts empty: the first bytes of the run are already paced. */
  #tokens = 0;
  #updatedAt: number;

  constructor(bytesPerSecond: number, options: TokenBucketOptions = {}) {
    if (!(bytesPerSecond > 0)) throw new RangeError('a rate limit must be greater than zero');
    this.#bytesPerSecond = bytesPerSecond;
    this.#capacity = bytesPerSecond * burstSeconds;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#updatedAt = this.#now();
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) * this.#bytesPerSecond) / 1000);
    this.#updatedAt = now;
    this.#tokens -= bytes;
    if (this.#tokens >= 0) return;
    await this.#sleep(Math.ceil((-this.#tokens * 1000) / this.#bytesPerSecond), signal);
  }
}
