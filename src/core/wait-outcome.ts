import type { VideoTask } from '../api/video.js';
import { type ErrorCode, type EzvideoError, ExitCode, type ExitCodeValue } from '../errors.js';
import { withoutId } from '../api/task-id.js';
import { formatDuration } from '../units.js';

/** How the wait for one task ended. */
export interface WaitOutcome {
  id: string;
  /** The last status the server gave, or undefined when it never answered one. */
  task: VideoTask | undefined;
  /** 0 completed, 3 auth, 4 not found, 5 timed out, 6 failed or cancelled, 7 expired, 8 server. */
  exitCode: ExitCodeValue;
  /** The failure's kind (as EzvideoError's `code`), undefined when the task completed. */
  code: ErrorCode | undefined;
  /** One line for humans and --json: the server's reason for a failure, or what went wrong. */
  message: string | undefined;
  /** What to do about it, where it is more than the hint of its `code` (ui/messages.ts). */
  hint: string | undefined;
  /** The system's or library's code behind a failed poll (ENOTFOUND), as EzvideoError's. */
  causeCode?: string | undefined;
}

/**
 * The end a status answer puts to the wait, or undefined while the task still runs (unknown
 * status words included: a new word from a server must not end a wait as a failure).
 *
 * A completed task whose `expires_at` has passed (`nowMs` is epoch milliseconds, like the
 * server's clock) counts as expired: its content can no longer be downloaded, and OpenAI's
 * download links do expire about an hour after completion.
 */
export function outcomeOfTask(id: string, task: VideoTask, nowMs: number): WaitOutcome | undefined {
  // The id asked for, not the one in the answer: outcomes are matched to the input by it.
  const base = { id, task };
  switch (task.status) {
    case 'completed':
      if (task.expiresAt !== undefined && task.expiresAt * 1000 <= nowMs) {
        return {
          ...base,
          exitCode: ExitCode.expired,
          code: 'expired',
          message: `the video expired at ${new Date(task.expiresAt * 1000).toISOString()}`,
          // The hint of its kind (ui/messages.ts) says what to do.
          hint: undefined,
        };
      }
      return { ...base, exitCode: ExitCode.success, code: undefined, message: undefined, hint: undefined };
    case 'failed':
    case 'cancelled':
      return {
        ...base,
        exitCode: ExitCode.generationFailed,
        code: 'generation_failed',
        message: `the generation ${task.status === 'failed' ? 'failed' : 'was cancelled'}: ${task.error ?? 'the server gave no reason'}`,
        hint: undefined,
      };
    default:
      return undefined;
  }
}

/**
 * The end a failed poll puts to the wait of `id` (auth, not found, expired, or a server error
 * that retrying cannot fix). The message leaves out the id, as the others do: every line and
 * --json object that shows an outcome names it already.
 */
export function outcomeOfError(id: string, error: EzvideoError, last: VideoTask | undefined): WaitOutcome {
  return { id, task: last, exitCode: error.exitCode, code: error.code, message: withoutId(id, error.message), hint: error.hint, causeCode: error.causeCode };
}

/** The outcome of a task still unfinished when `--timeout` ran out. */
export function timeoutOutcome(id: string, last: VideoTask | undefined, timeoutMs: number): WaitOutcome {
  const where = last === undefined ? 'no status received' : `still ${describeStatus(last)}`;
  return {
    id,
    task: last,
    exitCode: ExitCode.notReady,
    code: 'not_ready',
    message: `timed out after ${formatDuration(timeoutMs)} (${where})`,
    hint: 'Wait longer with --timeout, or run `ezvideo wait` again later: the task goes on without us.',
  };
}

/** `in_progress (IN_PROGRESS) 42%`: the normalised word, the server's own where it differs, the progress. */
export function describeStatus(task: VideoTask): string {
  const word = task.rawStatus === '' || task.rawStatus === task.status ? task.status : `${task.status} (${task.rawStatus})`;
  return task.progress === undefined ? word : `${word} ${Math.floor(task.progress)}%`;
}
