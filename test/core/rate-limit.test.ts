import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { downloadVideo } from '../../src/core/download.js';
import { TokenBucket } from '../../src/core/rate-limit.js';
import type { Sleep } from '../../src/core/time.js';
import { startMockServer } from '../../src/mock/index.js';
import { clientFor, fastRetry, removeTempDirs, servedSha256, tempDir } from '../helpers/download-sim.js';
import { MemoryStream } from '../helpers/memory-io.js';

/** A clock that only moves when the bucket sleeps, and the sleeps it was asked for. */
function fakeTime(): { now: () => number; sleep: Sleep; sleeps: number[]; advance: (ms: number) => void } {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleeps,
    advance: (ms) => {
      time += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
    },
  };
}

describe('TokenBucket (--limit-rate)', () => {
  it('starts empty: bytes taken are paid for by one sleep each, at the rate', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(1000, time);
    await bucket.take(500);
    assert.deepEqual(time.sleeps, [500]);
    time.advance(500);
    await bucket.take(250);
    assert.deepEqual(time.sleeps, [500, 250]);
  });

  it('takers at the same moment share the rate: the second waits for both', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(1000, time);
    await Promise.all([bucket.take(500), bucket.take(500)]);
    assert.deepEqual(time.sleeps, [500, 1000]);
  });

  it('an idle time saves up a tenth of a second at most, then the rate holds again', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(1000, time);
    time.advance(60_000);
    await bucket.take(100);
    assert.deepEqual(time.sleeps, [], 'the saved-up tenth of a second');
    await bucket.take(100);
    assert.deepEqual(time.sleeps, [100]);
  });

  it('passes the signal to its sleep, and an aborted signal rejects with its reason before any wait', async () => {
    const time = fakeTime();
    let given: AbortSignal | undefined;
    const bucket = new TokenBucket(1000, {
      now: time.now,
      sleep: async (ms, signal) => {
        given = signal;
        await time.sleep(ms, signal);
      },
    });
    const controller = new AbortController();
    await bucket.take(10, controller.signal);
    assert.equal(given, controller.signal);
    const reason = new Error('stopped');
    controller.abort(reason);
    await assert.rejects(bucket.take(10, controller.signal), (error) => error === reason);
    assert.deepEqual(time.sleeps, [10]);
  });

  it('refuses a rate of zero', () => {
    assert.throws(() => new TokenBucket(0), RangeError);
  });
});

describe('--limit-rate against the simulator', () => {
  after(removeTempDirs);

  it('one bucket shared by three downloads, two files and a stdout stream, paces their total: 3 x 128 KiB at 1 MiB/s takes at least 300 ms', async () => {
    const server = await startMockServer({ profile: 'ideal', seed: 15 });
    const client = clientFor(server);
    const dir = await tempDir();
    const bucket = new TokenBucket(1024 * 1024);
    const files = ['size_128k_paced_a', 'size_128k_paced_b'];
    const streamed = 'size_128k_paced_stdout';
    const stdout = new MemoryStream();
    try {
      const started = performance.now();
      const results = await Promise.all([
        ...files.map((id) => downloadVideo(id, { client, output: { kind: 'file', path: join(dir, `${id}.mp4`), renameByType: false }, rateLimit: bucket, hash: true, retry: fastRetry })),
        downloadVideo(streamed, { client, output: { kind: 'stream', stream: stdout }, rateLimit: bucket, hash: true, retry: fastRetry }),
      ]);
      const elapsedMs = performance.now() - started;
      // A lower bound only: a loaded machine is slower, never faster. A bucket per download
      // would let all three finish in 125 ms.
      assert.ok(elapsedMs >= 300, `${elapsedMs.toFixed(0)} ms`);
      for (const [index, id] of [...files, streamed].entries()) assert.equal(results[index]?.sha256, await servedSha256(server, id));
      assert.equal(stdout.bytes().length, 128 * 1024);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('the connections of a split download share it too: 4 MiB over 4 connections at 8 MiB/s takes at least 400 ms', async () => {
    const server = await startMockServer({ profile: 'ideal', seed: 15 });
    const client = clientFor(server);
    const id = 'size_4m_paced_split';
    try {
      const started = performance.now();
      const result = await downloadVideo(id, { client, output: { kind: 'file', path: join(await tempDir(), `${id}.mp4`), renameByType: false }, connections: 4, rateLimit: new TokenBucket(8 * 1024 * 1024), hash: true, retry: fastRetry });
      const elapsedMs = performance.now() - started;
      assert.ok(elapsedMs >= 400, `${elapsedMs.toFixed(0)} ms`);
      assert.equal(result.sha256, await servedSha256(server, id));
      assert.ok(server.requests.filter((request) => request.taskId === id && request.status === 206).length >= 4, 'split over 4 connections');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
