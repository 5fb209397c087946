/**
 * The errors a download ends with: the transfer's (cut short, cut by a time limit, Range
 * ignored, a planned retry), the file's (broken, incomplete, wrong checksum, outside the size
 * limits), and the file system's, in words (reused for the files ezvideo reads: the API key file, id lists, settings).
 */
import { dirname } from 'node:path';
import type { Variant } from '../api/client.js';
import { EzvideoError } from '../errors.js';
import { formatBytes } from '../units.js';

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
 * Asked for one of several variants (`--variant all`), the server sent a file of another type:
 * a gateway that ignores `variant` sends the MP4 for each. The task has no such file there, and
 * the answer is not saved under the variant's name; not retried, as every answer would be the same.
 */
export class VariantAbsentError extends EzvideoError {
  readonly variant: Variant;
  readonly sentType: string;

  constructor(id: string, variant: Variant, sentType: string) {
    super('not_found', `${id}: the server has no ${variant}: asked for it, it sent ${sentType}`);
    this.name = 'VariantAbsentError';
    this.variant = variant;
    this.sentType = sentType;
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

/**
 * `--max-filesize` and `--min-filesize`. `integrity`, not `output` (both exit 9): like a
 * checksum mismatch, the server's bytes are not the file that was wanted, while `output` means
 * ezvideo could not write where it was told. Neither is retried: the same source sends the same
 * size again. `stdout`: the bytes before the refusal may already be out, so the hint cannot say
 * that nothing was saved.
 */
export class SizeLimitError extends EzvideoError {
  constructor(message: string, hint: string) {
    super('integrity', message, { hint });
    this.name = 'SizeLimitError';
  }
}

/**
 * `known`: the whole size is known (from Content-Length, a Content-Range total, or the finished
 * file); otherwise only that the bytes so far passed the limit.
 */
export function tooLargeError(id: string, bytes: number, limit: number, known: boolean, stdout = false): SizeLimitError {
  const size = known ? `the file is ${formatBytes(bytes)} (${bytes} bytes)` : `the file passed ${formatBytes(limit)} while it downloaded (its size was not announced)`;
  return new SizeLimitError(`${id}: ${size}, more than --max-filesize ${formatBytes(limit)}`, `${stdout ? 'The output is incomplete.' : 'Nothing was saved.'} Raise --max-filesize to download it anyway.`);
}

/**
 * A gateway once answered with its error JSON as `video/mp4`: this is what catches it.
 * `announced`: the size came from the answer's headers, before any byte; otherwise it is what arrived.
 */
export function tooSmallError(id: string, bytes: number, limit: number, announced: boolean, stdout = false): SizeLimitError {
  const size = announced ? `the server announced ${bytes} bytes` : `the server sent ${bytes} bytes`;
  return new SizeLimitError(
    `${id}: ${size}, less than --min-filesize ${formatBytes(limit)} (an error page served as the file?)`,
    `${stdout ? 'What was written to stdout is not the file.' : 'Nothing was saved.'} See what the server sends with \`ezvideo head ${id}\`, or lower --min-filesize.`,
  );
}

/*
 * File-system errors in words, for reading (an API key file, an id list, a file to verify) and
 * for writing the output: Node's own text (`ENOENT: no such file or directory, open '...'`)
 * never reaches the user, and the code goes to `causeCode`.
 */

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system or limit',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
};

const hints: Record<string, string> = {
  ENOSPC: 'Free some space and run the same command again: it resumes from the partial file.',
  EDQUOT: 'Free some space and run the same command again: it resumes from the partial file.',
  EFBIG: 'Free some space or raise the limit, then run the same command again: it resumes.',
  EACCES: 'Choose a folder you can write to (-o or --dir).',
  EPERM: 'Choose a folder you can write to (-o or --dir).',
  EROFS: 'Choose a folder you can write to (-o or --dir).',
  ENOENT: 'Create the folder first, or use --dir, which creates it.',
};

/** A file-system error in words (`permission denied`), never Node's `ENOENT: no such file ..., open '...'`. */
export function fileErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (code === undefined ? undefined : reasons[code]) ?? (error as Error).message;
}

/** A file that ezvideo was asked to read (`what`: `the API key file x`) and could not, as a usage error (exit 2). */
export function cannotReadError(what: string, error: unknown, hint: string): EzvideoError {
  return new EzvideoError('usage', `cannot read ${what}: ${fileErrorWords(error)}`, {
    cause: error,
    causeCode: (error as NodeJS.ErrnoException | null)?.code,
    hint,
  });
}

/** A file-system failure while writing the output, as one clear `output` error (exit 9). */
export function toOutputError(error: unknown, path: string): EzvideoError {
  if (error instanceof EzvideoError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // The folder is named: the file itself not existing yet is the normal case of a new output.
  const reason = code === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : fileErrorWords(error);
  return new EzvideoError('output', `cannot write ${path}: ${reason}`, {
    cause: error,
    causeCode: code,
    hint: code === undefined ? undefined : hints[code],
  });
}
