import { HttpError } from '../errors.js';
import { NoContentError } from './content-readiness.js';
import { TransferLimitError } from './download-errors.js';

/** What the download has seen of the gateway so far. */
export interface GatewayRecord {
  /** The last failed attempt broke off mid-body. */
  lastFailureWasCut: boolean;
  /** The gateway answered a range request with exactly the rest of the file. */
  rangesProven: boolean;
}

/**
 * Why the gateway's `/content` cannot finish this download where a direct link might, or
 * undefined when retrying the gateway may still work. `--source auto` switches on these:
 * - the same cut at the same moment, attempt after attempt (the classic proxy's 60 s limit);
 * - a cut from a gateway that never proved it can resume (the classic proxy ignores Range, so
 *   every retry would start from zero and meet the same cut);
 * - 502 or 504: the gateway's own fetch from its upstream failed or timed out;
 * - no content for a task whose status says completed (a platform without a working `/content`).
 */
export function gatewayCannotFinish(error: unknown, seen: GatewayRecord): string | undefined {
  if (error instanceof TransferLimitError) return 'the gateway cuts every transfer at the same moment';
  if (error instanceof NoContentError) return `the gateway has no content for the completed task (HTTP ${error.answer.status})`;
  if (error instanceof HttpError && error.code === 'server' && (error.status === 502 || error.status === 504)) {
    return `the gateway's fetch from its upstream failed (HTTP ${error.status}${error.serverCode === undefined ? '' : ` ${error.serverCode}`})`;
  }
  if (seen.lastFailureWasCut && !seen.rangesProven) return 'the gateway cut the transfer and cannot resume it (it ignores Range)';
  return undefined;
}
