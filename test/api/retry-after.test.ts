import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterMs } from '../../src/api/retry-after.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('seconds', () => assert.equal(retryAfterMs({ 'retry-after': '7' }, now), 7000));
  it('an HTTP date', () => assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now), 5000));
  it('a date in the past is zero', () => assert.equal(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now), 0));
  it('retry-after-ms wins', () => assert.equal(retryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '9' }, now), 1500));
  it('garbage is ignored', () => assert.equal(retryAfterMs({ 'retry-after': 'soon' }, now), undefined));
  it('absent', () => assert.equal(retryAfterMs({}, now), undefined));
});
