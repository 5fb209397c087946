/*
 * File-system errors in words, for reading (an API key file, an id list, a file to verify) and
 * for writing the output: Node's own text (`ENOENT: no such file or directory, open '...'`)
 * never reaches the user, and the code goes to `causeCode`.
 */
import { dirname } from 'node:path';
import { EzvideoError } from '../errors.js';

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
