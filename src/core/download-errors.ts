import { EzvideoError } from '../errors.js';

/**
 * The body ended before the file was whole: fewer bytes than Content-Length, or (without a
 * Content-Length) a file whose structure says it is cut. Another attempt may get the rest.
 */
export class TruncatedTransferError extends EzvideoError {
  constructor(message: string, hint?: string) {
    super('network', message, { hint });
    this.name = 'TruncatedTransferError';
  }
}

/**
 * The same source cut the transfer at the same moment, from zero, attempt after attempt: a time
 * limit on each transfer that retrying over the same source cannot beat.
 */
export class TransferLimitError extends EzvideoError {
  constructor(message: string, hint: string) {
    // `server`, not `network`: a network error is retried, and every retry would only sit out the
    // limit once more (a minute each on the default gateway) before failing the same way.
    super('server', message, { hint });
    this.name = 'TransferLimitError';
  }
}

/**
 * The source answered a resume with the whole file: it ignores Range, so every cut costs the
 * whole transfer again. Thrown instead of restarting while another source may be tried.
 */
export class RangeIgnoredError extends EzvideoError {
  constructor(message: string) {
    super('network', message);
    this.name = 'RangeIgnoredError';
  }
}

/**
 * Not a failure: the download goes on after `retryAfterMs` without using up a retry. The window
 * after completion in which `/content` still says "not ready", and a switch to another source,
 * both end an attempt this way; each was announced once with a warning of its own.
 */
export class PlannedRetry extends EzvideoError {
  readonly retryAfterMs: number;

  /** `cause`: the answer that ended the attempt, which is what the user sees if no retry follows. */
  constructor(message: string, retryAfterMs: number, cause: unknown) {
    super('network', message, { cause });
    this.name = 'PlannedRetry';
    this.retryAfterMs = retryAfterMs;
  }
}

/** A structure failure of a file whose announced length was met: the server sent a broken file. */
export function brokenFileError(id: string, reason: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: the server sent a complete but broken file: ${reason}`, {
    hint: 'Nothing was saved. Run the same command again; use --no-verify to keep such a file anyway.',
  });
}

/** A structure failure on the last attempt of a transfer whose length was never announced. */
export function truncatedFileError(id: string, reason: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: the download is incomplete on every attempt: ${reason}`, {
    hint: 'The server ends the transfer early without saying so (a time limit on chunked responses?). What arrived is kept as a .part file beside the output: run the same command again later, or on a faster link, to go on from it.',
  });
}

export function checksumMismatchError(id: string, expected: string, actual: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: sha256 mismatch: expected ${expected}, got ${actual}`, {
    hint: 'Nothing was saved. Check the expected checksum, or download again.',
  });
}
