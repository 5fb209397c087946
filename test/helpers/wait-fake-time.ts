import type { Sleep } from '../../src/core/time.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Lets every promise callback that is already queued run (setImmediate comes after them all). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Virtual time for the wait engine: `sleep` registers a timer instead of waiting, and `run`
 * advances the clock from timer to timer whenever nothing else is left to do, so an hour of
 * polling takes a few milliseconds and is deterministic. Abortable like the real sleep.
 */
export class FakeTime {
  now: number;
  readonly #timers: Timer[] = [];
  #seq = 0;

  /** Starts at a realistic epoch time, since the engine compares `now` with `expires_at`. */
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.now = start;
  }

  readonly clock = (): number => this.now;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers.splice(this.#timers.indexOf(timer), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });

  /** Timers still pending (a finished wait must leave none behind). */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Runs virtual time until `promise` settles and returns its result. Fails instead of hanging
   * when the promise is pending with no timer left (a deadlock) or time passes `limitMs`.
   */
  async run<T>(promise: Promise<T>, limitMs = 24 * 3_600_000): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const end = this.now + limitMs;
    for (;;) {
      await settle();
      if (settled) return promise;
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers.shift();
      if (next === undefined) throw new Error('deadlock: the promise is pending and no timer is set');
      if (next.at > end) throw new Error(`still pending after ${limitMs} ms of virtual time`);
      this.now = next.at;
      next.resolve();
    }
  }
}
