import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer, Payload } from '../../src/mock/index.js';
import { headerOf, rawExchange, receivedBytes, request } from './http-helpers.js';

const MiB = 1024 * 1024;
let server: MockServer;
before(async () => {
  server = await startMockServer();
});
after(() => server.close());

const contentUrl = (id: string) => `${server.baseUrl}/v1/videos/${id}/content`;
const recordsOf = (id: string) => server.requests.filter((r) => r.taskId === id);

async function bytesOf(payload: Payload, start = 0, end = payload.size - 1): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of payload.stream(start, end)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test('reset after N bytes really resets the connection, for the first `times` responses', async () => {
  const id = 'size_1m_reset';
  server.setFaults(id, { reset: { afterBytes: 100_000, times: 1 } });
  const cut = await rawExchange(contentUrl(id));
  assert.match(cut.head, /^HTTP\/1.1 200 /);
  assert.equal(cut.ending, 'reset', 'a TCP reset, not a clean close');
  assert.ok(cut.body.length <= 100_000, `${cut.body.length} bytes`);
  await sleep(20);
  assert.equal(recordsOf(id)[0]?.cut, 'reset');
  assert.equal(recordsOf(id)[0]?.bodyBytes, 100_000);
  const whole = await request(contentUrl(id));
  assert.equal(whole.complete, true);
  assert.deepEqual(whole.body, await bytesOf(server.payloadOf(id)));
});

test('seeded resets fall at offsets that differ per response and repeat per seed', async () => {
  const offsets = async (target: MockServer, id: string) => {
    target.setFaults(id, { reset: { seed: 42 } });
    for (let i = 0; i < 3; i++) {
      const response = await request(`${target.baseUrl}/v1/videos/${id}/content`);
      assert.equal(response.complete, false);
    }
    await sleep(20);
    return target.requests.filter((r) => r.taskId === id).map((r) => r.bodyBytes);
  };
  const other = await startMockServer();
  try {
    const first = await offsets(server, 'size_512k_seeded');
    assert.equal(new Set(first).size, 3, `distinct offsets ${first.join(',')}`);
    assert.ok(first.every((n) => n < 512 * 1024));
    assert.deepEqual(await offsets(other, 'size_512k_seeded'), first);
  } finally {
    await other.close();
  }
});

test('a stall stops the body for T seconds mid-way, then it completes', async () => {
  const id = 'size_1m_stall';
  server.setFaults(id, { stall: { seconds: 0.5, afterBytes: 256 * 1024 } });
  const response = await request(contentUrl(id));
  assert.equal(response.complete, true);
  assert.equal(response.body.length, MiB);
  let gap = 0;
  let bytesBeforeGap = 0;
  let seen = 0;
  for (let i = 1; i < response.chunkTimes.length; i++) {
    const previous = response.chunkTimes[i - 1];
    const current = response.chunkTimes[i];
    if (!previous || !current) continue;
    seen += previous.bytes;
    if (current.atMs - previous.atMs > gap) {
      gap = current.atMs - previous.atMs;
      bytesBeforeGap = seen;
    }
  }
  assert.ok(gap >= 450 && gap < 900, `longest gap ${gap} ms`);
  assert.equal(bytesBeforeGap, 256 * 1024);
});

test('a short body announces the full length, sends fewer bytes and closes cleanly', async () => {
  const id = 'size_300k_short';
  server.setFaults(id, { shortBody: { missingBytes: 1000 } });
  const response = await rawExchange(contentUrl(id));
  assert.equal(headerOf(response.head, 'content-length'), String(300 * 1024));
  assert.equal(response.ending, 'fin', 'a clean close, not a reset');
  assert.equal(response.body.length, 300 * 1024 - 1000);
  assert.deepEqual(response.body, await bytesOf(server.payloadOf(id), 0, 300 * 1024 - 1001));
  await sleep(20);
  assert.equal(recordsOf(id)[0]?.cut, 'short-body');
});

test('a chunked cut sends no Content-Length and ends cleanly at the chosen byte, first k times', async () => {
  const id = 'size_200k_chunked';
  server.setFaults(id, { chunkedCut: { atByte: 50_000, times: 2 } });
  for (let i = 0; i < 2; i++) {
    const cut = await request(contentUrl(id));
    assert.equal(cut.status, 200);
    assert.equal(cut.headers['content-length'], undefined);
    assert.equal(cut.headers['transfer-encoding'], 'chunked');
    assert.equal(cut.complete, true, 'terminating zero chunk: a clean end');
    assert.equal(cut.errorCode, undefined);
    assert.deepEqual(cut.body, await bytesOf(server.payloadOf(id), 0, 49_999));
  }
  const whole = await request(contentUrl(id));
  assert.equal(whole.headers['content-length'], String(200 * 1024));
  assert.equal(whole.body.length, 200 * 1024);
});

test('throttle holds each connection to R bytes/s within 20 %', async () => {
  const id = 'size_2m_throttle';
  const rate = 2 * MiB;
  server.setFaults(id, { throttle: rate });
  const response = await request(contentUrl(id));
  assert.equal(response.body.length, 2 * MiB);
  const seconds = response.elapsedMs / 1000;
  assert.ok(seconds > 0.8 && seconds < 1.2, `2 MiB at 2 MiB/s took ${seconds} s`);
});

test('throttle is per connection: 4 parallel range connections get 4 times the rate', async () => {
  const id = 'size_4m_parallel';
  const rate = 2 * MiB;
  server.setFaults(id, { throttle: rate });
  const started = performance.now();
  const parts = await Promise.all(
    [0, 1, 2, 3].map((i) => request(contentUrl(id), { headers: { range: `bytes=${i * MiB}-${(i + 1) * MiB - 1}` } })),
  );
  const seconds = (performance.now() - started) / 1000;
  assert.ok(parts.every((part) => part.status === 206 && part.body.length === MiB));
  const aggregate = (4 * MiB) / seconds;
  assert.ok(aggregate > 3.2 * rate && aggregate < 4.8 * rate, `aggregate ${(aggregate / MiB).toFixed(2)} MiB/s`);
  assert.deepEqual(Buffer.concat(parts.map((part) => part.body)), await bytesOf(server.payloadOf(id)));
});

test('ignoreRange answers 200 with the whole body while still sending Accept-Ranges', async () => {
  const id = 'size_100k_norange';
  server.setFaults(id, { ignoreRange: true });
  const response = await request(contentUrl(id), { headers: { range: 'bytes=10-20' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers['accept-ranges'], 'bytes');
  assert.equal(response.body.length, 100 * 1024);
});

test('etagChanges serves a new file each time: If-Range with the old ETag gets the whole new body', async () => {
  const id = 'size_64k_etag';
  server.setFaults(id, { etagChanges: true });
  const first = await request(contentUrl(id));
  const firstEtag = String(first.headers['etag']);
  const second = await request(contentUrl(id), { headers: { range: 'bytes=1000-', 'if-range': firstEtag } });
  assert.equal(second.status, 200);
  assert.notEqual(second.headers['etag'], firstEtag);
  assert.notEqual(second.headers['last-modified'], first.headers['last-modified']);
  assert.equal(second.body.length, 64 * 1024);
  assert.notDeepEqual(second.body, first.body, 'a new version has new bytes');
  const current = server.payloadOf(id);
  assert.equal(current.etag, second.headers['etag']);
  assert.deepEqual(await bytesOf(current), second.body);
});

test('faults combine and apply by exact id, by pattern and to all', async () => {
  server.setFaults('size_*_pattern', { shortBody: { missingBytes: 10 } });
  server.setFaults('size_10k_exact_pattern', { throttle: 40 * 1024 });
  const exact = await request(contentUrl('size_10k_exact_pattern'));
  assert.equal(exact.body.length, 10 * 1024 - 10, 'pattern fault applies');
  assert.ok(exact.elapsedMs > 150, `throttled as well: ${exact.elapsedMs} ms`);
  assert.equal((await request(contentUrl('size_10k_other_pattern'))).body.length, 10 * 1024 - 10);
  assert.equal((await request(contentUrl('size_10k_plain'))).body.length, 10 * 1024);
  server.setFaults('size_*_pattern', {});
  assert.equal((await request(contentUrl('size_10k_other_pattern'))).body.length, 10 * 1024, 'cleared');

  const all = await startMockServer({ faults: { ignoreRange: true } });
  try {
    all.setFaults('*', { shortBody: { missingBytes: 1 } });
    const response = await request(`${all.baseUrl}/v1/videos/vid_any/content`, { headers: { range: 'bytes=0-9' } });
    assert.equal(response.status, 200, 'server-wide default still applies');
    assert.equal(response.body.length, Number(response.headers['content-length']) - 1);
  } finally {
    await all.close();
  }
});

test('close() is prompt even with a stalled connection open', async () => {
  const stalled = await startMockServer({ faults: { stall: { seconds: 30, afterBytes: 10 } } });
  const pending = request(`${stalled.baseUrl}/v1/videos/size_1k/content`);
  await sleep(100);
  const started = performance.now();
  await stalled.close();
  assert.ok(performance.now() - started < 500);
  const response = await pending;
  assert.equal(response.complete, false);
  assert.equal(receivedBytes(response), 10);
});
