/**
 * Bounds how many jobs run at once when they arrive one by one (downloads started as tasks
 * complete, while other tasks are still being polled), unlike a pool over a list known up
 * front. Jobs start in the order they were handed in.
 */
export function createLimiter(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  // A waiting job takes over the slot of the one that ended, so `running` only drops when none waits.
  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) running -= 1;
    else next();
  };
  return async (job) => {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    else running += 1;
    try {
      return await job();
    } finally {
      release();
    }
  };
}
