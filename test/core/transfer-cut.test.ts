import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repeatedCutMs } from '../../src/core/transfer-cut.js';

describe('repeatedCutMs', () => {
  const cut = (elapsedMs: number, fromZero = true) => ({ elapsedMs, fromZero, bytes: 1000 });
  it('three cuts from zero at about the same time are a time limit', () => {
    assert.equal(repeatedCutMs([cut(60_100), cut(59_900), cut(60_000)]), 60_000);
  });
  it('two are not enough', () => assert.equal(repeatedCutMs([cut(60_000), cut(60_000)]), undefined));
  it('resumed attempts are not the pattern', () => {
    assert.equal(repeatedCutMs([cut(60_000), cut(60_000, false), cut(60_000)]), undefined);
  });
  it('cuts at different times are resets, not a limit', () => {
    assert.equal(repeatedCutMs([cut(10_000), cut(40_000), cut(60_000)]), undefined);
  });
  it('very early cuts are resets, not a limit', () => assert.equal(repeatedCutMs([cut(5), cut(8), cut(6)]), undefined));
});
