/** How often a download reports its byte count: often enough for a bar, rare enough to cost nothing. */
const progressEveryMs = 100;

/**
 * Wraps a progress report so it runs at most every `everyMs` (and always when `force`, for the
 * last count): the hot path can call it for every chunk.
 */
export function throttleProgress(report: (bytes: number) => void, now: () => number, everyMs = progressEveryMs): (bytes: number, force?: boolean) => void {
  let reportedAt = now();
  return (bytes, force = false) => {
    const time = now();
    if (!force && time - reportedAt < everyMs) return;
    reportedAt = time;
    report(bytes);
  };
}
