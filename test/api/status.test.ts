import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminalStatus, normalizeProgress, normalizeStatus } from '../../src/api/status.js';

describe('normalizeStatus', () => {
  const cases: Array<[unknown, string]> = [
    ['queued', 'queued'],
    ['pending', 'queued'],
    ['NOT_START', 'queued'],
    ['SUBMITTED', 'queued'],
    ['QUEUED', 'queued'],
    ['in_progress', 'in_progress'],
    ['IN_PROGRESS', 'in_progress'],
    ['processing', 'in_progress'],
    ['in-progress', 'in_progress'],
    ['completed', 'completed'],
    ['SUCCESS', 'completed'],
    ['succeeded', 'completed'],
    ['failed', 'failed'],
    ['FAILURE', 'failed'],
    ['cancelled', 'cancelled'],
    ['canceled', 'cancelled'],
    // The gateway's not-started word (its internal NOT_START) is a task still queued.
    ['unknown', 'queued'],
    ['rendering-soon', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
    [42, 'unknown'],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} -> ${expected}`, () => assert.equal(normalizeStatus(raw), expected));
  }

  it('only completed, failed and cancelled are terminal', () => {
    assert.deepEqual(
      (['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'unknown'] as const).filter(isTerminalStatus),
      ['completed', 'failed', 'cancelled'],
    );
  });
});

describe('normalizeProgress', () => {
  const cases: Array<[unknown, number | undefined]> = [
    [42, 42],
    ['42', 42],
    ['30%', 30],
    [' 7.5 % ', 7.5],
    [0, 0],
    [150, 100],
    [-3, 0],
    ['abc', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
    [Number.NaN, undefined],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} -> ${expected}`, () => assert.equal(normalizeProgress(raw), expected));
  }
});
