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
