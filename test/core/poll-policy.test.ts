import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPollPolicy, firstPollOffsetMs, nextPollDelayMs } from '../../src/core/poll-policy.js';

const noJitter = () => 0;
const fullJitter = () => 0.999999;

describe('nextPollDelayMs', () => {
  it('starts at 2 s and grows by 1.5 per answered poll up to the 15 s cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 10, 50].map((answered) => nextPollDelayMs({ answered, failures: 0, random: noJitter }));
    assert.deepEqual(delays, [2000, 3000, 4500, 6750, 10125, 15000, 15000, 15000, 15000]);
  });

  it('takes up to a quarter off at random, never adds: the cap is a true cap', () => {
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, random: fullJitter }), 1500);
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, random: () => 0.5 }), 1750);
    for (let i = 0; i < 200; i++) {
      const delay = nextPollDelayMs({ answered: 30, failures: 0 });
      assert.ok(delay >= 11_250 && delay <= 15_000, String(delay));
    }
  });

  it('obeys the server hint (openai-poll-after-ms) after an answer, clamped to 250 ms .. 60 s', () => {
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, serverAskedMs: 700, random: fullJitter }), 700);
    assert.equal(nextPollDelayMs({ answered: 20, failures: 0, serverAskedMs: 30_000 }), 30_000);
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, serverAskedMs: 10 }), 250);
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, serverAskedMs: 3_600_000 }), 60_000);
  });

  it('a fixed --interval wins over growth, jitter and the hint', () => {
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, intervalMs: 500, random: fullJitter }), 500);
    assert.equal(nextPollDelayMs({ answered: 40, failures: 0, intervalMs: 500 }), 500);
    assert.equal(nextPollDelayMs({ answered: 1, failures: 0, intervalMs: 500, serverAskedMs: 5000 }), 500);
  });

  it('after failures: exponential backoff with equal jitter from 1 s to a 60 s cap', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 8].map((failures) => nextPollDelayMs({ answered: 3, failures, random: noJitter }));
    assert.deepEqual(low, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    const high = [1, 2, 7].map((failures) => nextPollDelayMs({ answered: 3, failures, random: () => 1 }));
    assert.deepEqual(high, [1000, 2000, 60_000]);
  });

  it('after a failure, Retry-After is a floor (cut to 5 minutes), also over --interval', () => {
    assert.equal(nextPollDelayMs({ answered: 0, failures: 1, serverAskedMs: 7000, random: noJitter }), 7000);
    assert.equal(nextPollDelayMs({ answered: 0, failures: 1, serverAskedMs: 3_600_000 }), 300_000);
    assert.equal(nextPollDelayMs({ answered: 0, failures: 1, intervalMs: 500, serverAskedMs: 7000 }), 7000);
    assert.equal(nextPollDelayMs({ answered: 0, failures: 1, intervalMs: 9000, serverAskedMs: 7000 }), 9000);
    // --interval without Retry-After: the user's pace, even through a storm.
    assert.equal(nextPollDelayMs({ answered: 0, failures: 6, intervalMs: 500 }), 500);
  });

  it('every rule reads the policy it is given', () => {
    const policy = { ...defaultPollPolicy, initialMs: 100, factor: 2, maxMs: 350, jitter: 0 };
    const delays = [1, 2, 3, 4].map((answered) => nextPollDelayMs({ answered, failures: 0, policy }));
    assert.deepEqual(delays, [100, 200, 350, 350]);
  });
});

describe('firstPollOffsetMs', () => {
  it('one id polls at once', () => {
    assert.equal(firstPollOffsetMs(0, 1, 2000), 0);
  });

  it('spreads the first polls evenly over the first interval', () => {
    const offsets = [0, 1, 2, 3].map((index) => firstPollOffsetMs(index, 4, 2000));
    assert.deepEqual(offsets, [0, 500, 1000, 1500]);
  });

  it('with many ids, no two first polls closer than 20 ms (at most 50 per second)', () => {
    const offsets = Array.from({ length: 1000 }, (_, index) => firstPollOffsetMs(index, 1000, 2000));
    assert.equal(offsets[999], 19_980);
    for (let i = 1; i < offsets.length; i++) assert.ok((offsets[i] ?? 0) - (offsets[i - 1] ?? 0) >= 20);
  });
});
