import { HttpError } from '../errors.js';
import { NoContentError, NotCaughtUpError } from './content-readiness.js';
import { TransferLimitError } from './download-errors.js';

/**
 * Why the gateway's `/content` cannot finish this download where a direct link might, or
 * undefined when retrying the gateway may still work. `--source auto` switches on these (and,
 * in file-download.ts, on a resume answered with the whole file: a gateway that ignores Range
 * would start every retry from zero and meet the same cut):
 * - the same cut at the same moment, attempt after attempt (its 60 s limit);
 * - 502 or 504: the gateway's own fetch from its upstream failed or timed out;
 * - no content for a task whose status says completed (a platform without a working `/content`),
 *   or still "not ready" when the window after completion ran out.
 */
export function gatewayCannotFinish(error: unknown): string | undefined {
  if (error instanceof TransferLimitError) return 'the gateway cuts every transfer at the same moment';
  if (error instanceof NotCaughtUpError) return 'the gateway still says not ready after the task completed';
  if (error instanceof NoContentError) return `the gateway has no content for the completed task (HTTP ${error.answer.status})`;
  if (error instanceof HttpError && error.code === 'server' && (error.status === 502 || error.status === 504)) {
    return `the gateway's fetch from its upstream failed (HTTP ${error.status}${error.serverCode === undefined ? '' : ` ${error.serverCode}`})`;
  }
  return undefined;
}
