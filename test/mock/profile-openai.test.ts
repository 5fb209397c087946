import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { json, request } from './http-helpers.js';

const GENERATION_MS = 400;
let server: MockServer;
before(async () => {
  server = await startMockServer({ profile: 'openai', generationTimeMs: GENERATION_MS });
});
after(() => server.close());

test('ids are video_ + hex, statuses queued|in_progress|completed, with openai-poll-after-ms while running', async () => {
  const created = json(await request(`${server.baseUrl}/v1/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"x"}' }));
  const id = String(created['id']);
  assert.match(id, /^video_[0-9a-f]{48}$/);
  assert.equal(created['status'], 'queued');
  await sleep(GENERATION_MS / 2);
  const running = await request(`${server.baseUrl}/v1/videos/${id}`);
  assert.equal(json(running)['status'], 'in_progress');
  assert.match(String(running.headers['openai-poll-after-ms']), /^\d+$/);
  assert.equal(typeof json(running)['progress'], 'number');
  await sleep(GENERATION_MS);
  const done = await request(`${server.baseUrl}/v1/videos/${id}`);
  assert.equal(json(done)['status'], 'completed');
  assert.equal(done.headers['openai-poll-after-ms'], undefined);
  assert.equal((await request(`${server.baseUrl}/v1/videos/${id}/content`)).status, 200);
});

test('errors have type, message, param and code; cancelled reads as failed', async () => {
  const missing = await request(`${server.baseUrl}/v1/videos/video_0123abcd`);
  assert.equal(missing.status, 404);
  assert.deepEqual(Object.keys(json(missing)['error'] as object).sort(), ['code', 'message', 'param', 'type']);
  const unauthorized = await request(`${server.baseUrl}/v1/videos/vid_a`, { headers: { authorization: '' } });
  assert.equal(unauthorized.status, 401);
  assert.equal((json(unauthorized)['error'] as Record<string, unknown>)['code'], 'invalid_api_key');

  await request(`${server.baseUrl}/v1/videos/video_cancel_1`);
  const notReady = await request(`${server.baseUrl}/v1/videos/video_never_1/content`);
  assert.equal(notReady.status, 400);
  assert.equal((json(notReady)['error'] as Record<string, unknown>)['code'], 'video_not_ready');
  await sleep(GENERATION_MS);
  assert.equal(json(await request(`${server.baseUrl}/v1/videos/video_cancel_1`))['status'], 'failed');
});

test('seeded ids work with video_ in front; variant is honoured', async () => {
  await request(`${server.baseUrl}/v1/videos/video_size_64k`);
  await sleep(GENERATION_MS);
  const video = await request(`${server.baseUrl}/v1/videos/video_size_64k/content`);
  assert.equal(video.status, 200);
  assert.equal(video.body.length, 64 * 1024);
  const thumbnail = await request(`${server.baseUrl}/v1/videos/video_size_64k/content?variant=thumbnail`);
  assert.equal(thumbnail.headers['content-type'], 'image/webp');
  assert.equal(thumbnail.headers['content-disposition'], 'attachment; filename="thumbnail.webp"');
  const sprites = await request(`${server.baseUrl}/v1/videos/video_size_64k/content?variant=spritesheet`);
  assert.equal(sprites.headers['content-type'], 'image/jpeg');
  const ranged = await request(`${server.baseUrl}/v1/videos/video_size_64k/content`, { headers: { range: 'bytes=10-19' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers['content-range'], `bytes 10-19/${64 * 1024}`);
});

test('expired content answers 404 video_expired in OpenAI\'s shape', async () => {
  await request(`${server.baseUrl}/v1/videos/video_expired_1`);
  await sleep(GENERATION_MS);
  const expired = await request(`${server.baseUrl}/v1/videos/video_expired_1/content`);
  assert.equal(expired.status, 404);
  assert.equal((json(expired)['error'] as Record<string, unknown>)['code'], 'video_expired');
});
