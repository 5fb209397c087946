import type { ChalkInstance } from 'chalk';
import { withoutId } from '../api/task-id.js';
import type { ErrorCode } from '../errors.js';

/*
 * The rules every line for a person follows, in one place, so that they hold by construction
 * and not by memory:
 * - a failure is exactly one `error:` line and one `hint:` line, on a terminal and in a log;
 * - a line about one id names it once, at the start (engine messages often begin with it);
 * - words, not library codes: codes such as UND_ERR_SOCKET or ENOSPC travel in the error's
 *   `causeCode`, for --verbose and --json, never in the message.
 * Only the decoration (colour) differs between a terminal and a log.
 */

/** What to do about each kind of failure, when the failure brings no hint of its own. */
const defaultHints: Record<ErrorCode, string> = {
  usage: 'Run `ezvideo --help` (or `ezvideo <command> --help`) for the commands and their flags.',
  auth: 'Check the API key: EZVIDEO_API_KEY, --api-key-file, or `ezvideo config set api-key <key>`.',
  not_found: 'Check the id and the base URL (--base-url, EZVIDEO_BASE_URL).',
  not_ready: 'Wait for it: `ezvideo wait <id> --then-download`.',
  generation_failed: 'The generation itself ended: nothing can be downloaded; create the video again.',
  expired: 'Generate the video again; finished videos are kept for a limited time.',
  network: 'Check your connection and the base URL, then run the same command again: it resumes.',
  server: 'The server failed; run the same command again later: it resumes.',
  output: 'Check the output path, its permissions and the free space, then run the same command again.',
  integrity: 'Run the same command again to download it afresh; a damaged file is never landed.',
  uncertain: "Check the gateway's task list or bill for it; to create it again anyway, re-run with --retry-uncertain.",
  hook: 'The file landed and stays; fix the hook command, then run it on the file by hand.',
  interrupted: 'Run the same command again to go on.',
};

export interface Failure {
  code: ErrorCode;
  message: string;
  hint?: string | undefined;
}

/** The failure's own hint, or the one for its kind: every expected failure says what to do. */
function hintOf(failure: Failure): string {
  return failure.hint ?? defaultHints[failure.code];
}

/** The two lines a failure ends a command with. */
export function failureLines(failure: Failure): [string, string] {
  return [`error: ${failure.message}`, `hint: ${hintOf(failure)}`];
}

/** `<id>: <text>`, the id said once however the text began. */
export function idLine(id: string, text: string): string {
  return `${id}: ${withoutId(id, text)}`;
}

export function warningLine(c: ChalkInstance, message: string): string {
  return `${c.yellow('warning:')} ${message}`;
}

/** A warning about one id: `warning: <id>: <message>`. */
export function idWarningLine(c: ChalkInstance, id: string, message: string): string {
  return warningLine(c, idLine(id, message));
}
