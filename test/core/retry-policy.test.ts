import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFromResponse } from '../../src/api/classify-response.js';
import { isTransientError, retryDelayMs } from '../../src/core/retry-policy.js';
import { withRetries } from '../../src/core/with-retries.js';
import { EzvideoError } from '../../src/errors.js';

const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('retryDelayMs', () => {
  it('grows exponentially, half fixed and half jitter', () => {
    assert.equal(retryDelayMs(1, policy, undefined, () => 0), 50);
    assert.equal(retryDelayMs(1, policy, undefined, () => 1), 100);
    assert.equal(retryDelayMs(3, policy, undefined, () => 1), 400);
  });
  it('is capped', () => assert.equal(retryDelayMs(20, policy, undefined, () => 1), 1000));
  it('never waits less than Retry-After', () => assert.equal(retryDelayMs(1, policy, 3000, () => 0), 3000));
});

describe('isTransientError', () => {
  const http = (status: number, body = '{}') => errorFromResponse('x', status, {}, body);
  it('retries 408, 425, 429 and 5xx gateway statuses and network errors', () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504]) assert.equal(isTransientError(http(status)), true, String(status));
    assert.equal(isTransientError(new EzvideoError('network', 'reset')), true);
  });
  it('does not retry not-ready, auth, not found, expired', () => {
    assert.equal(isTransientError(http(400, '{"error":{"message":"Task is not completed yet"}}')), false);
    for (const status of [401, 403, 404]) assert.equal(isTransientError(http(status)), false, String(status));
    assert.equal(isTransientError(http(502, '{"error":{"message":"Upstream service returned status 404"}}')), false);
  });
});

describe('withRetries', () => {
  it('sleeps what the policy says, honouring Retry-After, then succeeds', async () => {
    const slept: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw errorFromResponse('x', 503, { 'retry-after': '2' }, '');
        if (calls === 2) throw new EzvideoError('network', 'reset');
        return 'done';
      },
      { policy, sleep: async (ms) => void slept.push(ms), random: () => 1 },
    );
    assert.equal(result, 'done');
    assert.deepEqual(slept, [2000, 200]);
  });
  it('stops at the first non-transient error', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls += 1;
        throw errorFromResponse('x', 404, {}, '');
      }, { policy, sleep: async () => {} }),
      (error: unknown) => error instanceof EzvideoError && error.exitCode === 4,
    );
    assert.equal(calls, 1);
  });
  it('gives up after the retries with the last error', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls += 1;
        throw new EzvideoError('network', `reset ${calls}`);
      }, { policy, sleep: async () => {} }),
      /reset 4/,
    );
    assert.equal(calls, 4);
  });
  it('attempts that do not consume a retry do not count', async () => {
    let calls = 0;
    await withRetries(
      async () => {
        calls += 1;
        if (calls < 10) throw new EzvideoError('network', 'cut');
        return 'ok';
      },
      { policy, sleep: async () => {}, consumesRetry: () => false },
    );
    assert.equal(calls, 10);
  });
  it('refuses a Retry-After beyond the cap with a clear message', async () => {
    await assert.rejects(
      withRetries(async () => {
        throw errorFromResponse('x', 429, { 'retry-after': String(10 * 365 * 24 * 3600) }, '');
      }, { policy, sleep: async () => {} }),
      /asks to retry after \S+, more than the 5.0s/,
    );
  });
});
