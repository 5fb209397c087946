import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLimiter } from '../../src/core/wait-limiter.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createLimiter', () => {
  it('runs at most `limit` jobs at once, in the order handed in, and passes results and failures through', async () => {
    const limit = createLimiter(2);
    const started: number[] = [];
    const release = new Map<number, () => void>();
    let running = 0;
    let most = 0;
    const job = (n: number) => () =>
      new Promise<number>((resolve, reject) => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        release.set(n, () => {
          running -= 1;
          if (n === 3) reject(new Error('three'));
          else resolve(n * 10);
        });
      });
    const results = Promise.allSettled([1, 2, 3, 4, 5].map((n) => limit(job(n))));
    await tick();
    assert.deepEqual(started, [1, 2]);
    release.get(2)?.();
    await tick();
    assert.deepEqual(started, [1, 2, 3]);
    release.get(3)?.();
    release.get(1)?.();
    await tick();
    assert.deepEqual(started, [1, 2, 3, 4, 5]);
    release.get(4)?.();
    release.get(5)?.();
    const outcomes = (await results).map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message));
    assert.deepEqual(outcomes, [10, 20, 'three', 40, 50]);
    assert.equal(most, 2);
    // Slots come back: a later job starts at once.
    const later = limit(async () => 'later');
    assert.equal(await later, 'later');
  });
});
