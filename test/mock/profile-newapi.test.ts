import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { json, request, sha256 } from './http-helpers.js';

let server: MockServer;
before(async () => {
  server = await startMockServer({ profile: 'newapi' });
});
after(() => server.close());

const statusUrl = (id: string) => `${server.baseUrl}/v1/videos/${id}`;
const contentUrl = (id: string) => `${server.baseUrl}/v1/videos/${id}/content`;
const errorOf = (body: Record<string, unknown>) => body['error'] as Record<string, unknown>;

/** The capability link of a completed task, as its status call hands it out. */
async function linkFromStatus(id: string): Promise<URL> {
  const status = json(await request(statusUrl(id)));
  assert.equal(status['status'], 'completed');
  return new URL(String((status['metadata'] as Record<string, unknown>)['url']));
}

/** The same link with one hex digit of the signature changed. */
function tampered(link: URL): string {
  const copy = new URL(link);
  const access = copy.searchParams.get('access') ?? '';
  copy.searchParams.set('access', access.slice(0, -1) + (access.endsWith('0') ? '1' : '0'));
  return copy.href;
}

test('status: task_ ids; "unknown" while queued, then in_progress with integer progress; flat task_not_exist', async () => {
  const queued = server.createTask({ generationTimeMs: 60_000 });
  assert.match(queued, /^task_[a-z0-9]{32}$/);
  const object = json(await request(statusUrl(queued)));
  assert.deepEqual(Object.keys(object).sort(), ['created_at', 'id', 'model', 'object', 'progress', 'seconds', 'size', 'status']);
  assert.equal(object['status'], 'unknown', "the gateway's NOT_START");
  assert.equal(object['object'], 'video');
  assert.equal(object['progress'], 0);

  const created = json(await request(`${server.baseUrl}/v1/videos`, { method: 'POST', body: '{"prompt":"x"}', headers: { 'content-type': 'application/json' } }));
  assert.match(String(created['id']), /^task_[a-z0-9]{32}$/);

  const running = json(await request(statusUrl('never_newapi')));
  assert.equal(running['status'], 'in_progress');
  assert.equal(typeof running['progress'], 'number');
  assert.equal(Number.isInteger(running['progress']), true);
  assert.equal('metadata' in running, false, 'no link before completion');

  const unknown = await request(statusUrl('task_nope'));
  assert.equal(unknown.status, 400);
  assert.deepEqual(json(unknown), { code: 'task_not_exist', message: 'task_not_exist', data: null });
});

test('status: completed carries completed_at and metadata.url, a signed capability URL valid for an hour', async () => {
  const id = 'size_64k_done';
  const before = Math.floor(Date.now() / 1000);
  const object = json(await request(statusUrl(id)));
  assert.deepEqual(Object.keys(object).sort(), [
    'completed_at',
    'created_at',
    'id',
    'metadata',
    'model',
    'object',
    'progress',
    'seconds',
    'size',
    'status',
  ]);
  assert.equal(object['status'], 'completed');
  assert.equal(object['progress'], 100);
  assert.equal(typeof object['completed_at'], 'number');
  const url = String((object['metadata'] as Record<string, unknown>)['url']);
  const match = /^(http:\/\/[^/]+)\/v1\/tasks\/size_64k_done\/artifacts\/video\/content\?access=(\d+)\.([0-9a-f]{64})$/.exec(url);
  assert.ok(match, url);
  assert.equal(match[1], server.baseUrl, 'on the same server');
  const expiry = Number(match[2]);
  assert.ok(expiry >= before + 3600 && expiry <= Math.ceil(Date.now() / 1000) + 3601, `expiry ${expiry - before} s ahead`);
  assert.match(server.linkOf(id) ?? '', /^http:\/\/[^/]+\/v1\/tasks\/size_64k_done\/artifacts\/video\/content\?access=\d+\.[0-9a-f]{64}$/);
  assert.equal(server.linkOf('never_newapi'), undefined);
});

test('status: failed and cancelled carry error {message, code} and no link', async () => {
  for (const [id, word] of [['fail_n', 'failed'], ['cancel_n', 'cancelled']] as const) {
    const object = json(await request(statusUrl(id)));
    assert.equal(object['status'], word);
    assert.equal(typeof errorOf(object)['message'], 'string');
    assert.equal(errorOf(object)['code'], word);
    assert.equal('metadata' in object, false);
    assert.equal(typeof object['completed_at'], 'number');
  }
});

test('/content errors: 404 Task not found, 400 current status NOT_START|IN_PROGRESS|FAILURE, 410 artifact_gone, 401 in Chinese', async () => {
  const missing = await request(contentUrl('task_nope'));
  assert.equal(missing.status, 404);
  assert.deepEqual(json(missing), { error: { code: '', message: 'Task not found', type: 'invalid_request_error' } });

  const notReady = async (id: string, word: string) => {
    const response = await request(contentUrl(id));
    assert.equal(response.status, 400, id);
    assert.deepEqual(json(response), {
      error: { code: '', message: `Task is not completed yet, current status: ${word}`, type: 'invalid_request_error' },
    });
  };
  await notReady(server.createTask({ generationTimeMs: 60_000 }), 'NOT_START');
  await notReady('never_content', 'IN_PROGRESS');
  await notReady('fail_content', 'FAILURE');
  await notReady('cancel_content', 'FAILURE');

  const gone = await request(contentUrl('expired_content'));
  assert.equal(gone.status, 410);
  assert.deepEqual(json(gone), { error: { code: 'artifact_gone', message: 'artifact is no longer available', type: 'new_api_error' } });

  const unauthorized = await request(contentUrl('size_1k_auth'), { withoutAuth: true });
  assert.equal(unauthorized.status, 401);
  assert.deepEqual(json(unauthorized), { error: { message: '无效的令牌', type: 'new_api_error', code: '' } });
});

test('/content: only the entity headers plus Cache-Control: private, no-store; Range 206 and 416; HEAD routed', async () => {
  const id = 'size_100k_headers';
  const whole = await request(contentUrl(id));
  assert.equal(whole.status, 200);
  assert.equal(sha256(whole.body), await server.payloadOf(id).sha256());
  const transport = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
  const entity = Object.keys(whole.headers).filter((name) => !transport.has(name)).sort();
  assert.deepEqual(entity, ['accept-ranges', 'cache-control', 'content-disposition', 'content-length', 'content-type', 'etag', 'last-modified']);
  assert.equal(whole.headers['cache-control'], 'private, no-store');

  const ranged = await request(contentUrl(id), { headers: { range: 'bytes=1000-1999', 'if-range': String(whole.headers['etag']) } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers['content-range'], `bytes 1000-1999/${100 * 1024}`);
  assert.deepEqual(ranged.body, whole.body.subarray(1000, 2000));
  const staleCopy = await request(contentUrl(id), { headers: { range: 'bytes=1000-1999', 'if-range': '"another-file"' } });
  assert.equal(staleCopy.status, 200, 'If-Range that does not match: the whole file');
  const beyond = await request(contentUrl(id), { headers: { range: `bytes=${100 * 1024}-` } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], `bytes */${100 * 1024}`);

  const head = await request(contentUrl(id), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(100 * 1024));
  assert.equal(head.body.length, 0);
});

test('/content: If-None-Match with the ETag answers 304 without a body; another tag gets the file', async () => {
  const id = 'size_20k_cached';
  const etag = server.payloadOf(id).etag;
  const cached = await request(contentUrl(id), { headers: { 'if-none-match': etag } });
  assert.equal(cached.status, 304);
  assert.equal(cached.body.length, 0);
  assert.equal(cached.headers['etag'], etag);
  assert.equal(cached.headers['cache-control'], 'private, no-store');
  const weakList = await request(contentUrl(id), { headers: { 'if-none-match': `"other", W/${etag}` }, method: 'HEAD' });
  assert.equal(weakList.status, 304, 'If-None-Match compares weakly, in a list, on HEAD too');
  const other = await request(contentUrl(id), { headers: { 'if-none-match': '"other"' } });
  assert.equal(other.status, 200);
  assert.equal(other.body.length, 20 * 1024);
});

test('the capability URL needs no key and serves the identical file, with Range, 416, HEAD and 304', async () => {
  const id = 'size_300k_capability';
  const link = await linkFromStatus(id);
  const whole = await request(link.href, { withoutAuth: true });
  assert.equal(whole.status, 200);
  assert.equal(sha256(whole.body), await server.payloadOf(id).sha256());
  assert.equal(whole.headers['etag'], server.payloadOf(id).etag);
  assert.equal(whole.headers['cache-control'], 'private, no-store');

  const ranged = await request(link.href, { withoutAuth: true, headers: { range: 'bytes=-100' } });
  assert.equal(ranged.status, 206);
  assert.deepEqual(ranged.body, whole.body.subarray(whole.body.length - 100));
  const beyond = await request(link.href, { withoutAuth: true, headers: { range: 'bytes=400000-' } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], `bytes */${300 * 1024}`);
  const head = await request(link.href, { withoutAuth: true, method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(300 * 1024));
  const cached = await request(link.href, { withoutAuth: true, headers: { 'if-none-match': String(whole.headers['etag']) } });
  assert.equal(cached.status, 304);
  const record = server.requests.find((r) => r.path === link.pathname);
  assert.equal(record?.taskId, id);
});

test('the capability URL refuses a bad signature (artifact_request_rejected) and an expired one (artifact_access_expired)', async () => {
  const id = 'size_10k_signed';
  const link = await linkFromStatus(id);
  const forged = await request(tampered(link), { withoutAuth: true });
  assert.equal(forged.status, 403);
  assert.deepEqual(json(forged), { error: { code: 'artifact_request_rejected', message: 'invalid access token', type: 'new_api_error' } });
  const bare = new URL(link);
  bare.search = '';
  assert.equal((await request(bare.href, { withoutAuth: true })).status, 403, 'no access parameter');
  const otherTask = link.href.replace(id, 'size_10k_other');
  assert.equal((await request(otherTask, { withoutAuth: true })).status, 403, 'a link is bound to its task');

  // A lifetime of 0 makes the link die at the next whole second.
  server.setFaults('size_10k_short', { linkExpiryMs: 0 });
  const short = await linkFromStatus('size_10k_short');
  await sleep(1100);
  const expired = await request(short.href, { withoutAuth: true });
  assert.equal(expired.status, 403);
  assert.deepEqual(json(expired), { error: { code: 'artifact_access_expired', message: 'access token expired', type: 'new_api_error' } });
});

test('only newapi routes the capability path', async () => {
  const ezmodel = await startMockServer({ profile: 'ezmodel' });
  try {
    const response = await request(`${ezmodel.baseUrl}/v1/tasks/size_1k_x/artifacts/video/content?access=1.2`);
    assert.equal(response.status, 404);
    assert.match(String(errorOf(json(response))['message']), /^Invalid URL/);
  } finally {
    await ezmodel.close();
  }
});
