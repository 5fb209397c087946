import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { validateTaskId } from '../api/task-id.js';
import { cannotReadError } from '../core/download-errors.js';
import { usageError } from '../errors.js';
import type { CommandIO } from './io.js';

/** One id per line; blank lines and `#` comments are skipped. */
function idsFromText(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * The ids of a batch command: the arguments, plus those of `--input <file>` (or `-` for stdin,
 * also accepted as a lone argument). Every id is validated before any request is made, and
 * duplicates are merged (keeping the first position) so one task is never fetched twice at once.
 */
export async function readIds(args: readonly string[], input: string | undefined, io: CommandIO): Promise<string[]> {
  const fromStdin = input === '-' || args.includes('-');
  const ids = args.filter((arg) => arg !== '-');
  if (input !== undefined && input !== '-') {
    try {
      ids.push(...idsFromText(await readFile(input, 'utf8')));
    } catch (error) {
      throw cannotReadError(`the id list ${input}`, error, 'Give a file of task ids, one per line, or - to read them from stdin.');
    }
  }
  if (fromStdin) ids.push(...idsFromText(await text(io.stdin)));
  if (ids.length === 0) {
    throw usageError('no task ids given', 'Pass ids as arguments, or one per line with --input <file> or - (stdin).');
  }
  return [...new Set(ids.map(validateTaskId))];
}
