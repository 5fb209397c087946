import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { json, request } from './http-helpers.js';
import { walkBuffer } from './mp4-boxes.js';

const GENERATION_MS = 400;
let server: MockServer;
before(async () => {
  server = await startMockServer({ generationTimeMs: GENERATION_MS });
});
after(() => server.close());

const sample = readFileSync(new URL('../../../assets/sample-video.mp4', import.meta.url));

test('POST creates a vid_ task that goes queued -> in_progress (progress rising) -> completed', async () => {
  const created = await request(`${server.baseUrl}/v1/videos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a cat', model: 'sora-2-pro', seconds: '4', size: '720x1280' }),
  });
  assert.equal(created.status, 200);
  const video = json(created);
  assert.match(String(video['id']), /^vid_[a-z0-9]{12}$/);
  assert.equal(video['status'], 'queued');
  assert.equal(video['progress'], 0);
  assert.equal(video['model'], 'sora-2-pro');
  assert.equal(video['size'], '720x1280');
  assert.equal(video['seconds'], '4');
  assert.equal(video['completed_at'], null);
  const statusUrl = `${server.baseUrl}/v1/videos/${String(video['id'])}`;

  await sleep(GENERATION_MS * 0.4);
  const middle = json(await request(statusUrl));
  assert.equal(middle['status'], 'in_progress');
  const progress = Number(middle['progress']);
  assert.ok(progress > 10 && progress < 100, `progress ${progress}`);
  const early = await request(`${statusUrl}/content`);
  assert.equal(early.status, 404);
  assert.equal((json(early)['error'] as Record<string, unknown>)['code'], 'video_not_ready');

  await sleep(GENERATION_MS * 0.4);
  assert.ok(Number(json(await request(statusUrl))['progress']) > progress, 'progress rises');
  await sleep(GENERATION_MS * 0.3);
  const done = json(await request(statusUrl));
  assert.equal(done['status'], 'completed');
  assert.equal(done['progress'], 100);
  assert.equal(typeof done['completed_at'], 'number');

  const content = await request(`${statusUrl}/content`);
  assert.equal(content.status, 200);
  assert.deepEqual(content.body, sample, 'the committed playable sample');
  assert.equal(content.headers['content-type'], 'video/mp4');
  assert.equal(content.headers['content-disposition'], 'attachment; filename="video.mp4"');
  assert.equal(content.headers['content-length'], String(sample.length));
  assert.match(String(content.headers['etag']), /^"[^"]+"$/);
  assert.ok(content.headers['last-modified']);
});

test('the sample is a real MP4, below 100 KB, and the variants are WebP and JPEG', async () => {
  assert.ok(sample.length < 100 * 1024);
  const boxes = walkBuffer(sample);
  assert.ok(Array.isArray(boxes), String(boxes));
  assert.deepEqual(boxes.slice(0, 1).map((box) => box.type), ['ftyp']);
  assert.ok(boxes.some((box) => box.type === 'moov') && boxes.some((box) => box.type === 'mdat'));

  await request(`${server.baseUrl}/v1/videos/vid_variants`);
  await sleep(GENERATION_MS);
  const thumbnail = await request(`${server.baseUrl}/v1/videos/vid_variants/content?variant=thumbnail`);
  assert.equal(thumbnail.headers['content-type'], 'image/webp');
  assert.equal(thumbnail.body.toString('latin1', 0, 4) + thumbnail.body.toString('latin1', 8, 12), 'RIFFWEBP');
  const sprites = await request(`${server.baseUrl}/v1/videos/vid_variants/content?variant=spritesheet`);
  assert.equal(sprites.headers['content-type'], 'image/jpeg');
  assert.equal(sprites.body.readUInt16BE(0), 0xffd8);
  assert.equal((await request(`${server.baseUrl}/v1/videos/vid_variants/content?variant=poster`)).status, 400);
});

test('documented 404 codes: video_not_found, video_not_ready, video_expired', async () => {
  const code = async (path: string) => {
    const response = await request(`${server.baseUrl}${path}`);
    return [response.status, (json(response)['error'] as Record<string, unknown>)['code']];
  };
  assert.deepEqual(await code('/v1/videos/nothing_here'), [404, 'video_not_found']);
  assert.deepEqual(await code('/v1/videos/nothing_here/content'), [404, 'video_not_found']);
  assert.deepEqual(await code('/v1/videos/never_1/content'), [404, 'video_not_ready']);
  await request(`${server.baseUrl}/v1/videos/expired_1`);
  await sleep(GENERATION_MS);
  const expired = json(await request(`${server.baseUrl}/v1/videos/expired_1`));
  assert.equal(expired['status'], 'completed');
  assert.deepEqual(await code('/v1/videos/expired_1/content'), [404, 'video_expired']);
});

test('fail_ and cancel_ tasks end failed and cancelled with an error object', async () => {
  await Promise.all([request(`${server.baseUrl}/v1/videos/fail_a`), request(`${server.baseUrl}/v1/videos/cancel_a`)]);
  await sleep(GENERATION_MS);
  const failed = json(await request(`${server.baseUrl}/v1/videos/fail_a`));
  assert.equal(failed['status'], 'failed');
  assert.equal(typeof (failed['error'] as Record<string, unknown>)['message'], 'string');
  assert.equal(json(await request(`${server.baseUrl}/v1/videos/cancel_a`))['status'], 'cancelled');
  assert.equal((await request(`${server.baseUrl}/v1/videos/fail_a/content`)).status, 404);
});

test('never_ tasks stay in_progress, creeping below 100', async () => {
  await request(`${server.baseUrl}/v1/videos/never_b`);
  await sleep(GENERATION_MS * 1.2);
  const view = json(await request(`${server.baseUrl}/v1/videos/never_b`));
  assert.equal(view['status'], 'in_progress');
  assert.ok(Number(view['progress']) < 100);
});

test('the Bearer key is checked: any non-empty key, or exactly --key', async () => {
  const unauthorized = await request(`${server.baseUrl}/v1/videos/vid_a`, { headers: { authorization: '' } });
  assert.equal(unauthorized.status, 401);
  assert.equal((json(unauthorized)['error'] as Record<string, unknown>)['code'], 'unauthorized');
  assert.equal((await request(`${server.baseUrl}/v1/videos/vid_a`, { headers: { authorization: 'Bearer ' } })).status, 401);
  assert.equal((await request(`${server.baseUrl}/v1/videos/vid_a`, { headers: { authorization: 'Basic abc' } })).status, 401);
  const keyed = await startMockServer({ key: 'sk-right' });
  try {
    assert.equal((await request(`${keyed.baseUrl}/v1/videos/vid_a`, { headers: { authorization: 'Bearer sk-wrong' } })).status, 401);
    const right = await request(`${keyed.baseUrl}/v1/videos/vid_a`, { headers: { authorization: 'Bearer sk-right' } });
    assert.equal(right.status, 200);
    assert.ok(!unauthorized.body.toString().includes('test-key'), 'never echoes the key');
  } finally {
    await keyed.close();
  }
});

test('HEAD gives the GET headers without a body; requests are recorded', async () => {
  const id = 'size_1m_head';
  await request(`${server.baseUrl}/v1/videos/${id}`);
  await sleep(GENERATION_MS);
  const head = await request(`${server.baseUrl}/v1/videos/${id}/content`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(1024 * 1024));
  assert.equal(head.headers['accept-ranges'], 'bytes');
  assert.equal(head.body.length, 0);
  const recorded = server.requests.filter((r) => r.taskId === id);
  assert.deepEqual(recorded.map((r) => [r.method, r.status]), [['GET', 200], ['HEAD', 200]]);
  assert.equal(recorded[1]?.headers['authorization'], 'Bearer test-key');
  assert.ok((recorded[1]?.endedAt ?? 0) >= (recorded[1]?.startedAt ?? Infinity));
});

test('unknown routes and methods answer 404', async () => {
  assert.equal((await request(`${server.baseUrl}/v1/models`)).status, 404);
  assert.equal((await request(`${server.baseUrl}/v1/videos/vid_a`, { method: 'DELETE' })).status, 404);
  assert.equal((await request(`${server.baseUrl}/v1/videos`, { method: 'GET' })).status, 404);
});
