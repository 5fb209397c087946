import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { ifRangeMatches, parseRange } from '../../src/mock/range.js';
import { request } from './http-helpers.js';

test('parseRange: one range of any form; several or malformed ones mean the whole body', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-5000', 1000), { start: 0, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 1000), undefined);
  assert.equal(parseRange('bytes=9-1', 1000), undefined);
  assert.equal(parseRange('items=0-1', 1000), undefined);
  assert.equal(parseRange('bytes=-', 1000), undefined);
});

test('ifRangeMatches: strong ETag equality or the exact Last-Modified date', () => {
  const date = new Date('2025-01-02T03:04:05Z');
  assert.equal(ifRangeMatches(undefined, '"a"', date), true);
  assert.equal(ifRangeMatches('"a"', '"a"', date), true);
  assert.equal(ifRangeMatches('"b"', '"a"', date), false);
  assert.equal(ifRangeMatches('W/"a"', '"a"', date), false);
  assert.equal(ifRangeMatches(date.toUTCString(), '"a"', date), true);
  assert.equal(ifRangeMatches(new Date(date.getTime() - 1000).toUTCString(), '"a"', date), false);
  assert.equal(ifRangeMatches('not a date', '"a"', date), false);
});

let server: MockServer;
before(async () => {
  server = await startMockServer();
});
after(() => server.close());

const ID = 'size_1m_range';
const SIZE = 1024 * 1024;
const get = (headers: Record<string, string>, method = 'GET') =>
  request(`${server.baseUrl}/v1/videos/${ID}/content`, { headers, method });

test('206 with Content-Range for a satisfiable range, 416 with bytes */total otherwise', async () => {
  const whole = (await get({})).body;
  const partial = await get({ range: 'bytes=1000-2999' });
  assert.equal(partial.status, 206);
  assert.equal(partial.headers['content-range'], `bytes 1000-2999/${SIZE}`);
  assert.equal(partial.headers['content-length'], '2000');
  assert.deepEqual(partial.body, whole.subarray(1000, 3000));
  const suffix = await get({ range: 'bytes=-10' });
  assert.deepEqual(suffix.body, whole.subarray(SIZE - 10));
  const beyond = await get({ range: `bytes=${SIZE}-` });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], `bytes */${SIZE}`);
  assert.equal(beyond.body.length, 0);
  const several = await get({ range: 'bytes=0-1,5-6' });
  assert.equal(several.status, 200);
  assert.equal(several.body.length, SIZE);
  const head = await get({ range: 'bytes=0-0' }, 'HEAD');
  assert.equal(head.status, 206);
  assert.equal(head.headers['content-length'], '1');
});

test('If-Range: a matching ETag or date gives 206, a stale one 200 with the whole body', async () => {
  const { etag, lastModified } = server.payloadOf(ID);
  assert.match(etag, /^"[^"]+"$/, 'a strong ETag');
  assert.equal((await get({ range: 'bytes=10-19', 'if-range': etag })).status, 206);
  assert.equal((await get({ range: 'bytes=10-19', 'if-range': lastModified.toUTCString() })).status, 206);
  const stale = await get({ range: 'bytes=10-19', 'if-range': '"something-else"' });
  assert.equal(stale.status, 200);
  assert.equal(stale.body.length, SIZE);
  assert.equal((await get({ range: 'bytes=10-19', 'if-range': `W/${etag}` })).status, 200);
  assert.equal((await get({ range: 'bytes=10-19', 'if-range': 'Thu, 01 Jan 2004 00:00:00 GMT' })).status, 200);
});

test('the sha256 of payloadOf matches what a full download yields', async () => {
  const body = (await get({})).body;
  assert.equal(createHash('sha256').update(body).digest('hex'), await server.payloadOf(ID).sha256());
});
