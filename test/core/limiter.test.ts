import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLimiter, runPool } from '../../src/core/limiter.js';

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

describe('runPool', () => {
  it('keeps at most `limit` items in work, and gives the results in input order whatever order they end in', async () => {
    let running = 0;
    let most = 0;
    const ends: number[] = [];
    const results = await runPool([30, 5, 20, 1, 10], 2, async (ms, index) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      ends.push(index);
      return `${index}:${ms}`;
    });
    assert.deepEqual(results, ['0:30', '1:5', '2:20', '3:1', '4:10']);
    assert.equal(most, 2);
    assert.notDeepEqual(ends, [0, 1, 2, 3, 4], 'items ended out of order, yet the results are in order');
  });

  it('after a failure starts no further item, and settles only once the items already running have ended', async () => {
    const started: number[] = [];
    let running = 0;
    let endedAfterSettle = false;
    let settled = false;
    const pool = runPool([0, 1, 2, 3, 4, 5], 2, async (index) => {
      started.push(index);
      running += 1;
      try {
        if (index === 0) throw new Error('interrupted');
        await new Promise((resolve) => setTimeout(resolve, 30));
      } finally {
        running -= 1;
        if (settled) endedAfterSettle = true;
      }
      return index;
    });
    await assert.rejects(pool.finally(() => (settled = true)), /interrupted/);
    assert.deepEqual(started, [0, 1], 'the queued items never started');
    assert.equal(running, 0);
    assert.equal(endedAfterSettle, false, 'nothing was still at work when it settled');
  });
});
