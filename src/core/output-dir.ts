import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EzvideoError } from '../errors.js';
import { toOutputError } from './download-errors.js';

/**
 * Creates the `--dir` folder and its parents. Node's recursive mkdir reports ENOENT ("the
 * directory does not exist") for any failure on the way, a read-only file system or a
 * forbidden parent included, and the user would be told to create a folder that cannot be
 * created. On that answer the first missing folder is made on its own, which fails with the
 * real reason (EROFS, EACCES, ENOTDIR).
 */
export async function makeOutputDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new EzvideoError('output', `--dir ${dir} is not a folder: ${code === 'EEXIST' ? 'a file of that name exists' : 'a part of the path is a file'}`, {
        causeCode: code,
        hint: 'Give a folder (it is created if missing) with --dir, or a file name with -o.',
      });
    }
    if (code !== 'ENOENT') throw toOutputError(error, dir);
    let missing = dir;
    while (dirname(missing) !== missing && !(await stat(dirname(missing)).then(() => true, () => false))) missing = dirname(missing);
    throw toOutputError(await mkdir(missing).then(() => error, (reason: unknown) => reason), dir);
  }
}
