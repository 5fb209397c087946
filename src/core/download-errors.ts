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

/** A structure failure of a file whose announced length was met: the server sent a broken file. */
export function brokenFileError(id: string, reason: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: the server sent a complete but broken file: ${reason}`, {
    hint: 'Nothing was saved. Use --no-verify to keep such a file anyway.',
  });
}

/** A structure failure on the last attempt of a transfer whose length was never announced. */
export function truncatedFileError(id: string, reason: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: the download is incomplete on every attempt: ${reason}`, {
    hint: 'The server ends the transfer early without saying so (a time limit on chunked responses?). Nothing was saved; try again later or on a faster link.',
  });
}

export function checksumMismatchError(id: string, expected: string, actual: string): EzvideoError {
  return new EzvideoError('integrity', `${id}: sha256 mismatch: expected ${expected}, got ${actual}`, {
    hint: 'Nothing was saved. Check the expected checksum, or download again.',
  });
}
