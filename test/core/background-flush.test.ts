import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackgroundFlush } from '../../src/core/background-flush.js';

/** A flush whose completion the test controls, counting how often it was started. */
function controlledFlush(): { flush: () => Promise<void>; started: () => number; finish: (error?: Error) => void } {
  let started = 0;
  let finishers: Array<(error?: Error) => void> = [];
  return {
    flush: () => {
      started += 1;
      return new Promise<void>((resolve, reject) => {
        finishers.push((error) => (error === undefined ? resolve() : reject(error)));
      });
    },
    started: () => started,
    finish: (error) => {
      const pending = finishers;
      finishers = [];
      for (const finisher of pending) finisher(error);
    },
  };
}

describe('BackgroundFlush', () => {
  it('starts a flush every N bytes written, never two at once', async () => {
    const control = controlledFlush();
    const flusher = new BackgroundFlush(control.flush, 100);
    flusher.wrote(60);
    assert.equal(control.started(), 0, 'not before N bytes');
    flusher.wrote(60);
    assert.equal(control.started(), 1);
    flusher.wrote(500);
    assert.equal(control.started(), 1, 'one in flight: the next waits');
    control.finish();
    await flusher.settle();
    flusher.wrote(100);
    assert.equal(control.started(), 2, 'the next one starts once the first is over');
    control.finish();
    await flusher.settle();
  });

  it('a failed flush fails the next write and settle, with its own error', async () => {
    const control = controlledFlush();
    const flusher = new BackgroundFlush(control.flush, 10);
    flusher.wrote(10);
    const diskError = Object.assign(new Error('I/O error'), { code: 'EIO' });
    control.finish(diskError);
    await assert.rejects(flusher.settle(), (error) => error === diskError);
    assert.throws(() => flusher.wrote(1), (error) => error === diskError);
    assert.equal(control.started(), 1, 'no flush after a failure');
  });

  it('settle waits for the flush in flight', async () => {
    const control = controlledFlush();
    const flusher = new BackgroundFlush(control.flush, 1);
    flusher.wrote(1);
    let settled = false;
    const settling = flusher.settle().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    control.finish();
    await settling;
    assert.equal(settled, true);
  });
});
