import type { VideoApiClient } from '../api/client.js';
import type { CreateVideoRequest } from '../api/create-body.js';
import type { VideoTask } from '../api/video.js';
import { EzvideoError, HttpError } from '../errors.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { Sleep } from './time.js';
import { withRetries } from './with-retries.js';

/**
 * How a create ended. `uncertain`: the request went out and no answer said what became of it
 * (a timeout, a reset after sending, a 5xx from a proxy): a task may exist and be billed, so
 * it is never sent again on our own. `refused`: the server answered that it made nothing.
 */
export type CreateAttempt =
  | { kind: 'created'; task: VideoTask }
  | { kind: 'uncertain'; error: EzvideoError }
  | { kind: 'refused'; error: EzvideoError };

/**
 * Failures that happen before a byte of the request leaves: no connection was made (refused,
 * no route, the name does not resolve, the connect timed out) or the TLS handshake failed.
 * A reset or a closed socket are not among them: they may come after the server read it all.
 */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function tlsHandshakeCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_TLS_|HOSTNAME|WRONG_VERSION_NUMBER/.test(code);
}

/** The server said no task was made and to come back: 429, or a 503 that says when. */
function serverSaysLater(error: HttpError): boolean {
  return error.status === 429 || (error.status === 503 && error.retryAfterMs !== undefined);
}

/** Whether a failed create may be sent again: only where it provably made nothing. */
export function createMayBeRetried(error: unknown): boolean {
  if (error instanceof HttpError) return serverSaysLater(error);
  if (!(error instanceof EzvideoError) || error.code !== 'network') return false;
  const code = error.causeCode ?? '';
  return notSentCodes.has(code) || tlsHandshakeCode(code);
}

/**
 * A 4xx (other than a timeout or "later") is the server refusing the request: nothing was
 * made. A 5xx may come from a proxy after the gateway made the task upstream.
 */
function refusedByServer(error: unknown): boolean {
  return error instanceof HttpError && error.status >= 400 && error.status < 500 && error.status !== 408 && !serverSaysLater(error);
}

/** What a failure that may hide a task says: what happened, and that a task may exist. */
function uncertainError(error: EzvideoError): EzvideoError {
  return new EzvideoError('uncertain', `${error.message}; the request was sent, so a task may have been made (and billed)`, {
    cause: error,
    causeCode: error.causeCode,
  });
}

/** A server's refusal of a job's own fields is the job's mistake (2); auth (3) and not found (4) keep theirs. */
function refusalError(error: HttpError): EzvideoError {
  if (error.code !== 'server') return error;
  return new EzvideoError('usage', error.message, { cause: error, hint: 'Fix the job (prompt, model, seconds, size, params) and run it again: nothing was created.' });
}

export interface CreateTaskOptions {
  remixOf?: string | undefined;
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
  retry?: RetryPolicy | undefined;
  sleep?: Sleep | undefined;
  /** Each retry of a create that provably made nothing, with why. */
  onRetry?: ((info: { delayMs: number; error: unknown }) => void) | undefined;
}

/** Sends one create (or remix), retried only where it provably made nothing, and says how it ended. */
export async function createTask(client: Pick<VideoApiClient, 'createVideo'>, request: CreateVideoRequest, options: CreateTaskOptions = {}): Promise<CreateAttempt> {
  try {
    const task = await withRetries(() => client.createVideo(request, { remixOf: options.remixOf, idempotencyKey: options.idempotencyKey, signal: options.signal }), {
      policy: options.retry ?? defaultRetryPolicy,
      signal: options.signal,
      sleep: options.sleep,
      isRetryable: createMayBeRetried,
      onRetry: ({ delayMs, error }) => options.onRetry?.({ delayMs, error }),
    });
    return { kind: 'created', task };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (!(error instanceof EzvideoError)) throw error;
    if (refusedByServer(error)) return { kind: 'refused', error: refusalError(error as HttpError) };
    // Refused before sending, after every retry, or told to come back later than we wait: nothing was made either.
    if (createMayBeRetried(error) || createMayBeRetried(error.cause)) return { kind: 'refused', error };
    return { kind: 'uncertain', error: uncertainError(error) };
  }
}
