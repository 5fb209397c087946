import type { VideoTask } from '../api/video.js';
import { EzvideoError, type HttpError } from '../errors.js';
import { PlannedRetry } from './download-errors.js';
import type { TaskLookup } from './task-lookup.js';
import { formatDuration } from '../units.js';
import { describeStatus, outcomeOfTask } from './wait-outcome.js';

export interface ReadinessSettings {
  id: string;
  lookup: TaskLookup;
  /** How long `/content` may go on saying "not ready" once the status said completed. */
  windowMs: number;
  now: () => number;
  warn: (message: string) => void;
}

/** `/content` has no file although the status says the task completed: a source switch may help. */
export class NoContentError extends EzvideoError {
  constructor(readonly answer: HttpError) {
    super(answer.code, answer.message, { hint: answer.hint, cause: answer });
    this.name = 'NoContentError';
  }
}

/** The window ran out and `/content` still says "not ready": the direct link may have the file. */
export class NotCaughtUpError extends EzvideoError {
  constructor(message: string, answer: HttpError) {
    super('not_ready', message, {
      cause: answer,
      hint: 'The gateway has not caught up with its own status (the task itself is complete): raise --content-wait.',
    });
    this.name = 'NotCaughtUpError';
  }
}

/** The pace inside the window: 1 s, 2 s, 4 s, then every 5 s (the gateways catch up in 5-15 s). */
function lagDelayMs(retry: number): number {
  return Math.min(5_000, 1_000 * 2 ** retry);
}

/**
 * Reads a "not ready" or "not found" answer of `/content` against the task's status, because
 * the two calls disagree on real gateways: right after a task reads `completed`, `/content` can
 * answer "not completed yet" for a while (they read different copies of the task), and a failed
 * task answers the same "not completed" as a running one.
 *
 * - still running: exit 5, with the command that waits;
 * - failed or cancelled: exit 6, with the server's reason;
 * - completed: retried inside the window (one warning, no failure), then exit 5 saying so; a
 *   "not found" becomes a NoContentError for the caller to try the direct link;
 * - no status to be had: exit 4.
 */
export class ContentReadiness {
  readonly #settings: ReadinessSettings;
  #since: number | undefined;
  #retries = 0;

  constructor(settings: ReadinessSettings) {
    this.#settings = settings;
  }

  async explain(answer: HttpError): Promise<EzvideoError> {
    const { id, lookup } = this.#settings;
    let task: VideoTask;
    try {
      task = await lookup.current();
    } catch (error) {
      if (error instanceof EzvideoError && ['auth', 'not_found', 'interrupted'].includes(error.code)) return error;
      const why = error instanceof Error ? error.message : String(error);
      return new EzvideoError('not_found', `${id}: ${answer.message}; the status could not tell more (${why})`, {
        cause: answer,
        hint: 'Check the id and the base URL (--base-url, EZVIDEO_BASE_URL).',
      });
    }
    const verdict = this.verdict(task, answer);
    if (verdict !== undefined) return verdict;
    if (answer.code !== 'not_ready') return new NoContentError(answer);
    return this.#lagging(answer);
  }

  /**
   * What the status says of the content: undefined when the task completed (and its content has
   * not expired), else the error to end with. `answer` is the content call that asked, if any.
   */
  verdict(task: VideoTask, answer?: HttpError): EzvideoError | undefined {
    const { id } = this.#settings;
    const ended = outcomeOfTask(id, task, this.#settings.now());
    if (ended === undefined) return this.#running(task, answer);
    if (ended.exitCode === 0) return undefined;
    return new EzvideoError(task.status === 'completed' ? 'expired' : 'generation_failed', `${id}: ${ended.message ?? `generation ${task.status}`}`, {
      cause: answer,
      hint: ended.hint,
    });
  }

  #running(task: VideoTask, answer: HttpError | undefined): EzvideoError {
    const { id } = this.#settings;
    if (task.status === 'unknown') {
      return new EzvideoError('not_found', `${id}: the status says ${JSON.stringify(task.rawStatus)}, which ezvideo does not know${answer === undefined ? '' : `, and ${answer.message}`}`, {
        cause: answer,
        hint: 'Check the id and the base URL; `ezvideo wait` treats such a word as still running.',
      });
    }
    return new EzvideoError('not_ready', `${id}: the video is not ready yet (${describeStatus(task)})`, {
      cause: answer,
      hint: `Wait for it: \`ezvideo download --wait ${id}\` downloads it once it is done.`,
    });
  }

  #lagging(answer: HttpError): EzvideoError {
    const { id, windowMs, now, warn } = this.#settings;
    this.#since ??= now();
    if (now() - this.#since >= windowMs) {
      const said = answer.serverMessage === undefined ? '' : `: ${answer.serverMessage}`;
      return new NotCaughtUpError(`${id}: /content still says not ready ${formatDuration(windowMs)} after the status said completed (HTTP ${answer.status}${said})`, answer);
    }
    if (this.#retries === 0) {
      warn(`the status says completed but /content still answers not ready (HTTP ${answer.status}); retrying for up to ${formatDuration(windowMs)}`);
    }
    const delayMs = lagDelayMs(this.#retries);
    this.#retries += 1;
    return new PlannedRetry(`${id}: /content not ready yet after completion`, delayMs, answer);
  }
}
