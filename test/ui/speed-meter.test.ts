import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpeedMeter } from '../../src/ui/speed-meter.js';

test('speed is unknown until half a second of data', () => {
  const meter = new SpeedMeter();
  meter.record(0, 0);
  meter.record(100, 1000);
  assert.equal(meter.bytesPerSecond(100), undefined);
  assert.equal(meter.bytesPerSecond(1000), 1000);
});

test('speed follows the recent window, not the whole download', () => {
  const meter = new SpeedMeter(5_000);
  for (let s = 0; s <= 10; s++) meter.record(s * 1000, s * 1000); // 1000 B/s for 10 s
  for (let s = 11; s <= 20; s++) meter.record(s * 1000, 10_000 + (s - 10) * 100); // then 100 B/s
  assert.equal(meter.bytesPerSecond(20_000), 100);
});

test('speed falls while nothing arrives', () => {
  const meter = new SpeedMeter(5_000);
  meter.record(0, 0);
  meter.record(1000, 1000);
  assert.equal(meter.bytesPerSecond(1000), 1000);
  assert.equal(meter.bytesPerSecond(10_000), 100);
});
