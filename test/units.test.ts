import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, formatRate } from '../src/units.js';

test('formatBytes uses binary units with one decimal', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KiB');
  assert.equal(formatBytes(12 * 1024 ** 2), '12.0 MiB');
  assert.equal(formatBytes(1024 ** 2 - 1), '1.0 MiB');
  assert.equal(formatBytes(3.5 * 1024 ** 3), '3.5 GiB');
  assert.equal(formatBytes(2 * 1024 ** 5), '2048.0 TiB');
});

test('formatRate and formatDuration', () => {
  assert.equal(formatRate(1.5 * 1024 ** 2), '1.5 MiB/s');
  assert.equal(formatDuration(400), '0.4s');
  assert.equal(formatDuration(12_400), '12s');
  assert.equal(formatDuration(185_000), '3m05s');
  // The format is chosen by the value it prints: no `10.0s`, no `60s`.
  assert.equal(formatDuration(9960), '10s');
  assert.equal(formatDuration(59_600), '1m00s');
  assert.equal(formatDuration(2 * 3_600_000 + 4 * 60_000), '2h04m');
  assert.equal(formatDuration(-5), '0.0s');
});
