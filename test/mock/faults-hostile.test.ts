import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer, Payload } from '../../src/mock/index.js';
import { headerOf, json, rawExchange, request } from './http-helpers.js';
import { walkBuffer } from './mp4-boxes.js';

let server: MockServer;
before(async () => {
  server = await startMockServer();
});
after(() => server.close());

const url = (path: string) => `${server.baseUrl}/v1/videos/${path}`;

async function bytesOf(payload: Payload, start = 0, end = payload.size - 1): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of payload.stream(start, end)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test('malformedJson: status calls answer 200 with JSON cut in the middle', async () => {
  server.setFaults('vid_garbled', { malformedJson: true });
  const response = await request(url('vid_garbled'));
  assert.equal(response.status, 200);
  assert.match(String(response.headers['content-type']), /json/);
  assert.throws(() => JSON.parse(response.body.toString()));
  assert.ok(response.body.toString().startsWith('{"id":"vid_garbled"'));
});

test('rangeStartShift: a 206 whose Content-Range starts elsewhere than asked, body matching it', async () => {
  const id = 'size_64k_shifted';
  server.setFaults(id, { rangeStartShift: -100 });
  const response = await request(url(`${id}/content`), { headers: { range: 'bytes=1000-1999' } });
  assert.equal(response.status, 206);
  assert.equal(response.headers['content-range'], `bytes 900-1899/${64 * 1024}`);
  assert.deepEqual(response.body, await bytesOf(server.payloadOf(id), 900, 1899));
});

test('lengthTooShort: Content-Length announces less than the body that really follows', async () => {
  const id = 'size_20k_long';
  server.setFaults(id, { lengthTooShort: 500 });
  const response = await rawExchange(url(`${id}/content`));
  assert.match(response.head, /^HTTP\/1.1 200 OK/);
  assert.equal(headerOf(response.head, 'content-length'), String(20 * 1024 - 500));
  assert.equal(response.body.length, 20 * 1024, 'the whole body was sent anyway');
  assert.deepEqual(response.body, await bytesOf(server.payloadOf(id)));
  await sleep(20);
  const recorded = server.requests.find((r) => r.taskId === id);
  assert.equal(recorded?.status, 200);
  assert.equal(recorded?.bodyBytes, 20 * 1024);
  assert.equal(recorded?.cut, undefined);
});

test('contentDisposition: hostile filenames are sent as they are', async () => {
  for (const name of ['../../etc/x', '/etc/x']) {
    server.setFaults('vid_named', { contentDisposition: name });
    const response = await request(url('vid_named/content'), { method: 'HEAD' });
    assert.equal(response.headers['content-disposition'], `attachment; filename="${name}"`);
  }
});

test('neverFinish keeps any task in progress; brokenStructure breaks a playable video at its length', async () => {
  server.setFaults('vid_stuck', { neverFinish: true });
  assert.equal(json(await request(url('vid_stuck')))['status'], 'in_progress');
  assert.equal((await request(url('vid_stuck/content'))).status, 404);
  assert.equal(server.task('vid_stuck')?.phase, 'in_progress');

  const sample = readFileSync(new URL('../../../assets/sample-video.mp4', import.meta.url));
  server.setFaults('vid_broken', { brokenStructure: true });
  const broken = await request(url('vid_broken/content'));
  assert.equal(broken.body.length, sample.length);
  assert.notDeepEqual(broken.body, sample);
  assert.equal(typeof walkBuffer(broken.body), 'string', 'box walk fails');
  assert.deepEqual(broken.body, await bytesOf(server.payloadOf('vid_broken')));
});

test('transferLimitMs as a fault applies in any profile', async () => {
  server.setFaults('size_1m_limited', { transferLimitMs: 200, throttle: 512 * 1024 });
  const response = await request(url('size_1m_limited/content'));
  assert.equal(response.complete, false);
  assert.ok(response.elapsedMs < 600, `${response.elapsedMs} ms`);
});

test('createTask and task(): programmatic tasks of any kind, seeded ids seen on first use', async () => {
  const id = server.createTask({ kind: 'synthetic', size: 12345, generationTimeMs: 0 });
  assert.match(id, /^vid_/);
  assert.equal(server.task(id)?.phase, 'completed');
  assert.equal((await request(url(`${id}/content`))).body.length, 12345);
  assert.equal(server.createTask({ id: 'custom_one', kind: 'fail' }), 'custom_one');
  assert.equal(server.task('custom_one')?.phase, 'failed');
  assert.equal(server.task('unknown_thing'), undefined);
  assert.throws(() => server.createTask({ id: 'bad/id' }));
  assert.throws(() => server.payloadOf('fail_nothing'));
});
