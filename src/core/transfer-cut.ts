import { TransferLimitError } from './download-errors.js';
import { formatDuration } from '../units.js';

/**
 * The default gateway gives each transfer a fixed time in all and does not forward Range, so on
 * a slow link every attempt restarts from zero and is cut at the same moment: retrying cannot
 * ever succeed. This recognises that pattern so the user is told exactly that.
 */
export interface CutAttempt {
  /** From request sent to the moment the body stopped. */
  elapsedMs: number;
  /** The attempt started from byte 0 (nothing resumed). */
  fromZero: boolean;
  /** Bytes this attempt received. */
  bytes: number;
}

/** How many cuts at the same elapsed time make a pattern. */
export const cutsForPattern = 3;

/**
 * Cuts sooner than this are resets, not a time limit: on a fast link resets at random byte
 * offsets also happen "at about the same time" (a few ms apart), and those are worth retrying.
 */
const shortestTimeLimitMs = 1_000;

/** The common cut time when the last attempts were all cut from zero at about the same time. */
export function repeatedCutMs(history: readonly CutAttempt[]): number | undefined {
  const recent = history.slice(-cutsForPattern);
  if (recent.length < cutsForPattern || !recent.every((attempt) => attempt.fromZero)) return undefined;
  const times = recent.map((attempt) => attempt.elapsedMs);
  const shortest = Math.min(...times);
  const longest = Math.max(...times);
  if (shortest < shortestTimeLimitMs) return undefined;
  return longest - shortest <= Math.max(250, longest * 0.1) ? Math.round(times.reduce((sum, time) => sum + time, 0) / times.length) : undefined;
}

/**
 * Once the cuts form a time-limit pattern, the error that says so plainly (retrying cannot
 * help); undefined while they do not.
 */
export function transferLimitError(id: string, history: readonly CutAttempt[], totalBytes: number | undefined): TransferLimitError | undefined {
  const limitMs = repeatedCutMs(history);
  const last = history.at(-1);
  if (limitMs === undefined || last === undefined) return undefined;
  const bytesPerSecond = (last.bytes * 1000) / Math.max(1, last.elapsedMs);
  const limit = formatDuration(Math.round(limitMs / 1000) * 1000);
  const needed = totalBytes === undefined || bytesPerSecond === 0 ? '' : `; at this speed the whole file needs about ${formatDuration(Math.round(totalBytes / bytesPerSecond) * 1000)}`;
  return new TransferLimitError(
    `${id}: the transfer was cut after about ${limit} on each of the last ${cutsForPattern} attempts, and the server ignores Range, so every retry starts again from zero: the server (or a proxy in front of it) limits each transfer to about ${limit}${needed}`,
    'Retrying cannot help: download over a faster link, use --source direct where the status carries a link, or ask the provider to raise the limit or to support Range.',
  );
}
