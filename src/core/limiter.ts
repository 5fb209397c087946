/**
 * Bounds how many jobs run at once. Jobs arrive one by one (downloads started as tasks complete,
 * while other tasks are still being polled) or as a list known up front (runPool); either way
 * they start in the order they were handed in, each as soon as a slot frees.
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

/**
 * Runs `work` over `items` with at most `limit` at once; results come back in input order. The
 * first failure (an interruption, a bug) starts no further item, and is thrown once the items
 * already running have ended: a command that returned must leave no download still at work
 * behind it (taking a lock, writing a part file) in a library caller's process.
 */
export async function runPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limited = createLimiter(Math.max(1, limit));
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    items.map((item, index) =>
      limited(async () => {
        if (failure !== undefined) throw failure.error;
        try {
          return await work(item, index);
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
