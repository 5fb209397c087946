import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { json, receivedBytes, request } from './http-helpers.js';

const GENERATION_MS = 400;
let server: MockServer;
before(async () => {
  server = await startMockServer({ profile: 'ezmodel', generationTimeMs: GENERATION_MS });
});
after(() => server.close());

test('status calls: task_ ids, internal status words, progress as "N%", flat task_not_exist', async () => {
  const created = json(await request(`${server.baseUrl}/v1/videos`, { method: 'POST', body: '{"prompt":"x"}', headers: { 'content-type': 'application/json' } }));
  const id = String(created['id']);
  assert.match(id, /^task_[a-z0-9]{32}$/);
  assert.equal(created['status'], 'QUEUED');
  assert.equal(created['progress'], '0%');
  assert.equal('completed_at' in created, false, 'absent fields are left out, not null');
  await sleep(GENERATION_MS / 2);
  const running = json(await request(`${server.baseUrl}/v1/videos/${id}`));
  assert.equal(running['status'], 'IN_PROGRESS');
  assert.match(String(running['progress']), /^\d+%$/);
  const notReady = await request(`${server.baseUrl}/v1/videos/${id}/content`);
  assert.equal(notReady.status, 400);
  assert.equal((json(notReady)['error'] as Record<string, unknown>)['message'], 'Task is not completed yet, current status: IN_PROGRESS');
  await sleep(GENERATION_MS);
  assert.equal(json(await request(`${server.baseUrl}/v1/videos/${id}`))['status'], 'SUCCESS');

  const unknown = await request(`${server.baseUrl}/v1/videos/task_nope`);
  assert.equal(unknown.status, 400);
  assert.deepEqual(json(unknown), { code: 'task_not_exist', message: 'task_not_exist', data: null });
});

test('/content: 404 "Task not found" without code, 502 for expired, FAILURE for failed, 401 in Chinese', async () => {
  const missing = await request(`${server.baseUrl}/v1/videos/task_nope/content`);
  assert.equal(missing.status, 404);
  assert.deepEqual(json(missing), { error: { message: 'Task not found', type: 'invalid_request_error' } });
  await Promise.all([request(`${server.baseUrl}/v1/videos/expired_z`), request(`${server.baseUrl}/v1/videos/fail_z`)]);
  await sleep(GENERATION_MS);
  const expired = await request(`${server.baseUrl}/v1/videos/expired_z/content`);
  assert.equal(expired.status, 502);
  assert.match(String((json(expired)['error'] as Record<string, unknown>)['message']), /^Upstream service returned status 404/);
  assert.equal(json(await request(`${server.baseUrl}/v1/videos/fail_z`))['status'], 'FAILURE');
  const failed = await request(`${server.baseUrl}/v1/videos/fail_z/content`);
  assert.equal(failed.status, 400);
  assert.match(String((json(failed)['error'] as Record<string, unknown>)['message']), /current status: FAILURE$/);
  const unauthorized = await request(`${server.baseUrl}/v1/videos/vid_a`, { headers: { authorization: '' } });
  assert.equal(unauthorized.status, 401);
  assert.deepEqual(json(unauthorized), { error: { message: '无效的令牌', type: 'new_api_error', code: '' } });
});

test('HEAD is not routed: 404 "Invalid URL", even without a key', async () => {
  const head = await request(`${server.baseUrl}/v1/videos/size_1k/content`, { method: 'HEAD', headers: { authorization: '' } });
  assert.equal(head.status, 404);
  const get = await request(`${server.baseUrl}/v1/videos/size_1k/content`, { method: 'GET', headers: { authorization: '' } });
  assert.equal(get.status, 401);
  const body = await request(`${server.baseUrl}/v1/videos/size_1k/contentx`);
  assert.match(String((json(body)['error'] as Record<string, unknown>)['message']), /^Invalid URL \(GET /);
});

test('Range is ignored (200, whole body) although Accept-Ranges: bytes is sent; variant is ignored', async () => {
  const id = 'size_256k_range';
  await request(`${server.baseUrl}/v1/videos/${id}`);
  await sleep(GENERATION_MS);
  const ranged = await request(`${server.baseUrl}/v1/videos/${id}/content?variant=thumbnail`, { headers: { range: 'bytes=100-199' } });
  assert.equal(ranged.status, 200);
  assert.equal(ranged.headers['accept-ranges'], 'bytes');
  assert.equal(ranged.headers['content-range'], undefined);
  assert.equal(ranged.body.length, 256 * 1024);
  assert.equal(ranged.headers['content-type'], 'video/mp4');
  assert.equal(ranged.headers['content-disposition'], undefined);
  assert.equal(ranged.headers['cache-control'], 'public, max-age=86400');
  assert.ok(ranged.headers['etag']);
});

test('each whole transfer is cut at the transfer limit, leaving a short body', async () => {
  const limited = await startMockServer({ profile: 'ezmodel', transferLimitMs: 400, faults: { throttle: 1024 * 1024 } });
  try {
    const response = await request(`${limited.baseUrl}/v1/videos/size_4m_slow/content`);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(4 * 1024 * 1024));
    assert.equal(response.complete, false);
    const got = receivedBytes(response);
    assert.ok(got > 200 * 1024 && got < 700 * 1024, `${got} bytes in 400 ms at 1 MiB/s`);
    assert.ok(response.elapsedMs >= 350 && response.elapsedMs < 1000, `${response.elapsedMs} ms`);
    await sleep(20);
    assert.equal(limited.requests[0]?.cut, 'transfer-limit');
  } finally {
    await limited.close();
  }
});
