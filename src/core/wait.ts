import { setMaxListeners } from 'node:events';
import type { VideoApiClient } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { EzvideoError } from '../errors.js';
import type { WaitEvent } from './events.js';
import { defaultPollPolicy, firstPollOffsetMs, nextPollDelayMs, type PollPolicy } from './poll-policy.js';
import { isTransientError, serverAskedDelayMs, UnresolvedHost } from './retry-policy.js';
import { realSleep, type Sleep } from './time.js';
import { outcomeOfError, outcomeOfTask, timeoutOutcome, type WaitOutcome } from './wait-outcome.js';

export type { WaitOutcome } from './wait-outcome.js';

export interface WaitOptions {
  client: Pick<VideoApiClient, 'getVideo'>;
  /** Aborting it (SIGINT) stops every poll; waitForTasks then rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Epoch milliseconds: compared with the server's `expires_at`. */
  now?: (() => number) | undefined;
  sleep?: Sleep | undefined;
  random?: (() => number) | undefined;
  /** `--interval`: poll every task at this fixed pace. */
  intervalMs?: number | undefined;
  /** `--timeout`: tasks unfinished after this long end with exit code 5. */
  timeoutMs?: number | undefined;
  policy?: PollPolicy | undefined;
  onEvent?: ((event: WaitEvent) => void) | undefined;
  /**
   * Called the moment each task's wait ends, whatever the outcome, so a caller can start its
   * download (or print its --json line) while the other tasks are still being polled.
   */
  onOutcome?: ((outcome: WaitOutcome) => void) | undefined;
}

/** Why the combined signal of a poll loop fired when neither the caller nor a bug aborted it. */
class DeadlineReached extends Error {}

/**
 * Polls `GET /v1/videos/{id}` for every id until each is terminal, and returns their outcomes
 * in the order of `ids`. One loop per task, each with its own schedule (poll-policy.ts): loops
 * are cheap (they sleep between polls), keep each task's backoff and server hints separate,
 * and need no shared queue. Their first polls are staggered so a batch never starts as a burst.
 *
 * Transient poll failures (network, 429, 5xx) are reported as `wait-poll-error` and retried
 * with backoff for as long as the wait lasts; any other failure ends that task only.
 * With `timeoutMs`, one timer ends every unfinished task at the deadline, aborting polls and
 * sleeps in flight, so the deadline holds even while a request hangs.
 */
export async function waitForTasks(ids: readonly string[], options: WaitOptions): Promise<WaitOutcome[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const policy = options.policy ?? defaultPollPolicy;
  const emit = options.onEvent ?? (() => {});
  const outer = options.signal ?? new AbortController().signal;
  outer.throwIfAborted();

  const deadline = new AbortController();
  // Aborted when one loop fails unexpectedly (a bug), so the others stop instead of polling on.
  const stop = new AbortController();
  // Cancels the deadline timer once every task has ended, so a real timer keeps nothing alive.
  const timerDone = new AbortController();
  const signal = AbortSignal.any([outer, deadline.signal, stop.signal]);
  // Every loop listens to it while it sleeps or polls: 50 ids are not a listener leak.
  setMaxListeners(0, signal);
  const { timeoutMs } = options;
  if (timeoutMs !== undefined) {
    sleep(timeoutMs, timerDone.signal).then(
      () => deadline.abort(new DeadlineReached()),
      () => {},
    );
  }

  const finish = (outcome: WaitOutcome): WaitOutcome => {
    emit({
      type: 'wait-done',
      id: outcome.id,
      status: outcome.task?.status ?? 'unknown',
      exitCode: outcome.exitCode,
      message: outcome.message,
    });
    options.onOutcome?.(outcome);
    return outcome;
  };

  const waitForOne = async (id: string, index: number): Promise<WaitOutcome> => {
    let last: VideoTask | undefined;
    let answered = 0;
    let failures = 0;
    const unresolvedHost = new UnresolvedHost();
    let delayMs = firstPollOffsetMs(index, ids.length, options.intervalMs ?? policy.initialMs, policy);
    try {
      for (;;) {
        if (delayMs > 0) await sleep(delayMs, signal);
        let answer: Awaited<ReturnType<WaitOptions['client']['getVideo']>>;
        try {
          answer = await options.client.getVideo(id, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          failures += 1;
          // A name that never resolved is a wrong URL or no network: said in seconds. Once the
          // server has answered, a resolver's outage mid-wait is waited out like any other.
          const unresolvable = unresolvedHost.givesUp(error) && answered === 0;
          if (!isTransientError(error) || unresolvable) {
            if (error instanceof EzvideoError) return finish(outcomeOfError(id, error, last));
            throw error;
          }
          delayMs = nextPollDelayMs({ answered, failures, serverAskedMs: serverAskedDelayMs(error), intervalMs: options.intervalMs, policy, random });
          emit({ type: 'wait-poll-error', id, message: (error as Error).message, delayMs });
          continue;
        }
        const { pollAfterMs, ...task } = answer;
        last = task;
        answered += 1;
        failures = 0;
        emit({ type: 'wait-status', id, status: task.status, rawStatus: task.rawStatus, progress: task.progress });
        const ended = outcomeOfTask(id, task, now());
        if (ended !== undefined) return finish(ended);
        delayMs = nextPollDelayMs({ answered, failures, serverAskedMs: pollAfterMs, intervalMs: options.intervalMs, policy, random });
      }
    } catch (error) {
      if (outer.aborted) throw outer.reason;
      if (deadline.signal.aborted && !stop.signal.aborted && timeoutMs !== undefined) {
        return finish(timeoutOutcome(id, last, timeoutMs));
      }
      stop.abort(error);
      throw error;
    }
  };

  emit({ type: 'wait-start', ids });
  try {
    return await Promise.all(ids.map(waitForOne));
  } finally {
    timerDone.abort();
  }
}
