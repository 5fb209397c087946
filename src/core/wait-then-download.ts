import type { VideoTask } from '../api/video.js';
import { ExitCode } from '../errors.js';
import { waitForTasks, type WaitOptions, type WaitOutcome } from './wait.js';
import { createLimiter } from './limiter.js';

export interface WaitThenDownloadOptions<D> extends Omit<WaitOptions, 'onOutcome'> {
  /**
   * Downloads one completed task; expected failures are its result, not a rejection. Without
   * it, the tasks are only waited for.
   */
  download?: ((id: string, task: VideoTask | undefined) => Promise<D>) | undefined;
  /** Downloads at once, at most. */
  concurrency: number;
  /** Each id's end, the moment it has one: its wait, then its download where one ran. */
  onEnd: (wait: WaitOutcome, download: D | undefined) => void;
}

/**
 * Polls every id until it ends and downloads each completed one at once, at most
 * `concurrency` at a time, while the others are still polled (`wait --then-download`, and the
 * tasks of `create`). Rejects with the wait's failure (an interruption, a bug), else a
 * download's, once the downloads already running have finished or stopped at a resumable point.
 */
export async function waitThenDownload<D>(ids: readonly string[], options: WaitThenDownloadOptions<D>): Promise<void> {
  const { download, concurrency, onEnd, ...wait } = options;
  const limit = createLimiter(concurrency);
  const downloads: Array<Promise<void>> = [];
  let downloadFailure: { error: unknown } | undefined;
  const onOutcome = (outcome: WaitOutcome): void => {
    if (download === undefined || outcome.exitCode !== ExitCode.success) {
      onEnd(outcome, undefined);
      return;
    }
    // The failure (a bug, or an interruption) is caught here, as it happens, and rethrown once
    // the wait is over: a rejection left without a handler until then would be reported by Node
    // itself, past the CLI's error printing and redaction.
    downloads.push(
      limit(() => download(outcome.id, outcome.task))
        .then((result) => onEnd(outcome, result))
        .catch((error: unknown) => {
          downloadFailure ??= { error };
        }),
    );
  };
  const waitFailure = await waitForTasks(ids, { ...wait, onOutcome }).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  await Promise.all(downloads);
  if (waitFailure !== undefined) throw waitFailure.error;
  if (downloadFailure !== undefined) throw downloadFailure.error;
}
