import { retryDelayMs } from './retry-policy.js';

/**
 * How often `wait` asks for a task's status. The default gateway refreshes a task from its
 * upstream only every ~15 s, so polling faster than that gains nothing and costs requests;
 * the first polls are quicker because short generations do exist (and tests use them).
 */
export interface PollPolicy {
  /** The delay after the first answer. */
  initialMs: number;
  /** Each answered poll multiplies the delay by this much, up to `maxMs`. */
  factor: number;
  /** The longest delay between two answered polls (the gateway's refresh period). */
  maxMs: number;
  /**
   * Share of each delay that is random (taken off, never added, so `maxMs` stays a true cap):
   * tasks started together drift apart instead of polling in step.
   */
  jitter: number;
  /** A server hint (`openai-poll-after-ms`) is obeyed, but never below this. */
  minHintMs: number;
  /** ...nor above this: a bogus hint must not park a wait for hours. */
  maxHintMs: number;
  /** First backoff step after a poll that failed for a transient reason. */
  errorBaseMs: number;
  /** The longest backoff after failed polls. */
  errorMaxMs: number;
  /**
   * The longest Retry-After honoured; a longer one is cut to this (a wait never gives up on
   * a transient error, unlike a download, so the only question is how long to hold off).
   */
  maxRetryAfterMs: number;
  /**
   * The least time between two first polls: with many ids the first polls are spread over more
   * than the first interval, so no more than 1000 / minStartGapMs of them go out per second.
   */
  minStartGapMs: number;
}

export const defaultPollPolicy: PollPolicy = {
  initialMs: 2_000,
  factor: 1.5,
  maxMs: 15_000,
  jitter: 0.25,
  minHintMs: 250,
  maxHintMs: 60_000,
  errorBaseMs: 1_000,
  errorMaxMs: 60_000,
  maxRetryAfterMs: 5 * 60_000,
  minStartGapMs: 20,
};

export interface PollDelayInput {
  /** Polls of this task answered so far (1 after the first answer). */
  answered: number;
  /** Transient failures in a row since the last answer (0 when the last poll was answered). */
  failures: number;
  /**
   * What the server asked for: `openai-poll-after-ms` with an answer, `Retry-After` /
   * `retry-after-ms` with a failure.
   */
  serverAskedMs?: number | undefined;
  /** `--interval`: a fixed delay. */
  intervalMs?: number | undefined;
  policy?: PollPolicy | undefined;
  random?: (() => number) | undefined;
}

/**
 * The delay before the next status poll of one task. Pure, so tests pin every rule directly:
 * - `--interval` wins over everything (the user asked for that pace), except a longer
 *   Retry-After on a failure: a server that is shedding load is not polled faster than it asks;
 * - after a failure, exponential backoff with jitter (retryDelayMs), never below Retry-After;
 * - after an answer, the server's hint when there is one (clamped), else a delay growing from
 *   `initialMs` by `factor` per answered poll up to `maxMs`, less up to `jitter` of it.
 */
export function nextPollDelayMs(input: PollDelayInput): number {
  const policy = input.policy ?? defaultPollPolicy;
  const random = input.random ?? Math.random;
  if (input.failures > 0) {
    const asked = input.serverAskedMs === undefined ? undefined : Math.min(input.serverAskedMs, policy.maxRetryAfterMs);
    if (input.intervalMs !== undefined) return Math.max(input.intervalMs, asked ?? 0);
    return retryDelayMs(input.failures, { baseDelayMs: policy.errorBaseMs, maxDelayMs: policy.errorMaxMs }, asked, random);
  }
  if (input.intervalMs !== undefined) return input.intervalMs;
  if (input.serverAskedMs !== undefined) {
    return Math.min(policy.maxHintMs, Math.max(policy.minHintMs, input.serverAskedMs));
  }
  const step = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, input.answered - 1));
  return Math.round(step * (1 - policy.jitter * random()));
}

/**
 * When the first poll of task number `index` of `count` goes out: the first polls are spread
 * evenly over the first polling interval (`windowMs`), or over `count * minStartGapMs` when
 * that is longer, so a batch of many ids starts as a steady trickle, not a burst. Afterwards
 * each task keeps its own schedule, so they stay apart (and jitter spreads them further).
 */
export function firstPollOffsetMs(index: number, count: number, windowMs: number, policy: PollPolicy = defaultPollPolicy): number {
  const window = Math.max(windowMs, count * policy.minStartGapMs);
  return count <= 1 ? 0 : Math.floor((index * window) / count);
}

/**
 * The most status polls a task costs when it turns terminal `durationMs` after its first poll,
 * with every poll answered and no server hints: the first poll, then one per delay until the
 * delays, each as short as the jitter can make it, add up to `durationMs`, and the poll that
 * sees the end. With `--interval` every delay is that interval. A wait on N ids costs at most the
 * sum of this over the ids; `wait --then-download` adds one content request per completed id
 * (more only when a transfer fails and is retried).
 */
export function maxStatusPolls(durationMs: number, options: { intervalMs?: number | undefined; policy?: PollPolicy | undefined } = {}): number {
  const policy = options.policy ?? defaultPollPolicy;
  let polls = 1;
  let elapsed = 0;
  for (let answered = 1; elapsed < durationMs; answered += 1) {
    const step = options.intervalMs ?? Math.min(policy.maxMs, policy.initialMs * policy.factor ** (answered - 1));
    // The shortest delay nextPollDelayMs can return for this step (random() stays below 1).
    elapsed += options.intervalMs ?? Math.floor(step * (1 - policy.jitter));
    polls += 1;
  }
  return polls;
}
