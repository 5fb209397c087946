/**
 * Download speed over a sliding window of recent samples: an average since the start would
 * hide a stall, and the rate between two consecutive chunks jumps around too much to read.
 */
export class SpeedMeter {
  readonly #windowMs: number;
  #samples: Array<{ at: number; bytes: number }> = [];

  constructor(windowMs = 5_000) {
    this.#windowMs = windowMs;
  }

  record(at: number, bytes: number): void {
    this.#samples.push({ at, bytes });
    // Keep one sample at or before the window start, so the window stays fully covered.
    while (this.#samples.length > 2 && (this.#samples[1]?.at ?? at) <= at - this.#windowMs) {
      this.#samples.shift();
    }
  }

  /**
   * Bytes per second up to `now`, or undefined until there is half a second of data. Measuring
   * up to `now` rather than to the last sample lets the shown speed fall while nothing arrives.
   */
  bytesPerSecond(now: number): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (first === undefined || last === undefined) return undefined;
    const spanMs = now - first.at;
    if (spanMs < 500) return undefined;
    return ((last.bytes - first.bytes) * 1000) / spanMs;
  }
}
