import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ARTIFACT_ERROR_KINDS, startMockServer } from '../../src/mock/index.js';
import type { ArtifactErrorKind, MockServer } from '../../src/mock/index.js';
import { json, request } from './http-helpers.js';

let server: MockServer;
before(async () => {
  server = await startMockServer();
});
after(() => server.close());

const url = (path: string) => `${server.baseUrl}/v1/videos/${path}`;

test('failFirst answers the status for the first k content requests of each task, then serves', async () => {
  server.setFaults('size_1k_flaky*', { failFirst: { count: 2, status: 503, retryAfterSeconds: 7 } });
  for (const id of ['size_1k_flaky_a', 'size_1k_flaky_b']) {
    assert.equal((await request(url(id))).status, 200, 'status calls are not refused by default');
    for (let i = 0; i < 2; i++) {
      const refused = await request(url(`${id}/content`));
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '7');
      assert.equal(typeof (json(refused)['error'] as Record<string, unknown>)['message'], 'string');
    }
    assert.equal((await request(url(`${id}/content`))).status, 200);
  }
});

test('Retry-After as an HTTP date, retry-after-ms, and an absurd 10-year delay', async () => {
  server.setFaults('vid_date', { failFirst: { count: 1, status: 429, retryAfterSeconds: 30, retryAfterFormat: 'http-date' } });
  const dated = await request(url('vid_date/content'));
  assert.equal(dated.status, 429);
  const when = Date.parse(String(dated.headers['retry-after']));
  assert.ok(Math.abs(when - (Date.now() + 30_000)) < 2_000, String(dated.headers['retry-after']));

  server.setFaults('vid_ms', { failFirst: { count: 1, status: 500, retryAfterMs: 1500 } });
  const ms = await request(url('vid_ms/content'));
  assert.equal(ms.status, 500);
  assert.equal(ms.headers['retry-after-ms'], '1500');
  assert.equal(ms.headers['retry-after'], undefined);

  server.setFaults('vid_forever', { failFirst: { count: 1, status: 503, retryAfterSeconds: 10 * 365 * 24 * 3600 } });
  assert.equal((await request(url('vid_forever/content'))).headers['retry-after'], '315360000');
});

test('failFirst on status calls, on every call, and as a proxy\'s HTML page', async () => {
  server.setFaults('vid_status_flaky', { failFirst: { count: 1, status: 502, on: 'status' } });
  assert.equal((await request(url('vid_status_flaky/content'))).status, 200);
  assert.equal((await request(url('vid_status_flaky'))).status, 502);
  assert.equal((await request(url('vid_status_flaky'))).status, 200);

  server.setFaults('vid_html', { failFirst: { count: Infinity, status: 502, body: 'html', on: 'any' } });
  for (const path of ['vid_html', 'vid_html/content']) {
    const page = await request(url(path));
    assert.equal(page.status, 502);
    assert.equal(page.headers['content-type'], 'text/html');
    assert.match(page.body.toString(), /<title>502 Bad Gateway<\/title>/);
  }

  const creating = await startMockServer({ faults: { failFirst: { count: 1, status: 429, on: 'any' } } });
  try {
    const post = (target: MockServer) => request(`${target.baseUrl}/v1/videos`, { method: 'POST', body: '{"prompt":"x"}', headers: { 'content-type': 'application/json' } });
    assert.equal((await post(creating)).status, 429);
    assert.equal((await post(creating)).status, 200);
  } finally {
    await creating.close();
  }
});

test('the openai profile refuses in OpenAI\'s shape', async () => {
  const openai = await startMockServer({ profile: 'openai', faults: { failFirst: { count: 1, status: 429, retryAfterMs: 20 } } });
  try {
    const refused = await request(`${openai.baseUrl}/v1/videos/video_size_1k/content`);
    assert.equal(refused.status, 429);
    assert.equal((json(refused)['error'] as Record<string, unknown>)['type'], 'requests');
  } finally {
    await openai.close();
  }
});

test('redirect to a second origin that serves the file and records what it received', async () => {
  const id = 'size_100k_moved';
  server.setFaults(id, { redirect: 'second-origin' });
  const moved = await request(url(`${id}/content?variant=video`));
  assert.equal(moved.status, 302);
  const location = String(moved.headers['location']);
  assert.ok(location.startsWith(`${server.secondOrigin.baseUrl}/files/${id}?`), location);
  assert.notEqual(server.secondOrigin.port, server.port);

  const followed = await request(location, { headers: { authorization: '', 'x-probe': 'yes', range: 'bytes=0-99' } });
  assert.equal(followed.status, 206);
  assert.equal(followed.body.length, 100);
  const whole = await request(location, { headers: { authorization: '' } });
  assert.equal(whole.status, 200);
  assert.equal(whole.body.length, 100 * 1024);
  assert.equal(whole.headers['etag'], server.payloadOf(id).etag);
  const seen = server.secondOrigin.requests;
  assert.equal(seen.length, 2);
  assert.equal(seen[0]?.headers['x-probe'], 'yes');
  assert.equal(seen[0]?.headers['authorization'], '', 'what the client sent, recorded as is');
  assert.equal(seen[0]?.range, 'bytes=0-99');
  assert.equal(seen[0]?.origin, 'second');
});

test('body faults apply on the second origin; times count its responses', async () => {
  const id = 'size_50k_moved_cut';
  server.setFaults(id, { redirect: 'second-origin', chunkedCut: { atByte: 1000, times: 1 } });
  const location = String((await request(url(`${id}/content`))).headers['location']);
  assert.equal((await request(location, { withoutAuth: true })).body.length, 1000);
  assert.equal((await request(location, { withoutAuth: true })).body.length, 50 * 1024);
});

test('a redirect loop, and a redirect to a file: URL', async () => {
  server.setFaults('vid_loop', { redirect: 'loop' });
  const first = await request(url('vid_loop/content'));
  assert.equal(first.status, 302);
  const second = await request(new URL(String(first.headers['location']), server.baseUrl).href);
  assert.equal(second.status, 302);
  assert.notEqual(second.headers['location'], first.headers['location']);
  assert.match(String(second.headers['location']), /^\/v1\/videos\/vid_loop\/content/);

  server.setFaults('vid_file', { redirect: 'file-url' });
  const file = await request(url('vid_file/content'));
  assert.equal(file.status, 302);
  assert.match(String(file.headers['location']), /^file:\/\//);
});

test('artifactError: each kind answers its status and artifact_* code; upstream_busy says Retry-After: 1', async () => {
  const newapi = await startMockServer({ profile: 'newapi' });
  try {
    const expected: Record<ArtifactErrorKind, [number, string]> = {
      upstream_auth_failed: [502, 'artifact_upstream_auth_failed'],
      gone: [410, 'artifact_gone'],
      result_expired: [410, 'result_expired'],
      upstream_busy: [503, 'artifact_upstream_busy'],
      upstream_timeout: [504, 'artifact_upstream_timeout'],
      upstream_error: [502, 'artifact_upstream_error'],
      request_rejected: [403, 'artifact_request_rejected'],
    };
    assert.deepEqual(Object.keys(expected).sort(), [...ARTIFACT_ERROR_KINDS].sort());
    for (const kind of ARTIFACT_ERROR_KINDS) {
      const id = `size_1k_artifact_${kind.replace(/_/g, '-')}`;
      newapi.setFaults(id, { artifactError: { kind } });
      const response = await request(`${newapi.baseUrl}/v1/videos/${id}/content`);
      const [status, code] = expected[kind];
      assert.equal(response.status, status, kind);
      const error = json(response)['error'] as Record<string, unknown>;
      assert.equal(error['code'], code, kind);
      assert.equal(error['type'], 'new_api_error', kind);
      assert.equal(typeof error['message'], 'string');
      assert.equal(response.headers['retry-after'], kind === 'upstream_busy' ? '1' : undefined, kind);
      assert.equal((await request(`${newapi.baseUrl}/v1/videos/${id}/content`)).status, status, 'without times: always');
    }
  } finally {
    await newapi.close();
  }
});

test('artifactError with times lets a later request through, on /content and the capability URL alike', async () => {
  const newapi = await startMockServer({ profile: 'newapi' });
  try {
    newapi.setFaults('size_2k_busy*', { artifactError: { kind: 'upstream_busy', times: 2 } });
    const direct = `${newapi.baseUrl}/v1/videos/size_2k_busy_a/content`;
    assert.equal((await request(direct)).status, 503);
    assert.equal((await request(direct)).status, 503);
    const served = await request(direct);
    assert.equal(served.status, 200);
    assert.equal(served.body.length, 2048);

    const link = newapi.linkOf('size_2k_busy_b') ?? '';
    assert.equal((await request(link, { withoutAuth: true })).status, 503);
    assert.equal((await request(`${newapi.baseUrl}/v1/videos/size_2k_busy_b/content`)).status, 503, 'one count per task');
    assert.equal((await request(link, { withoutAuth: true })).status, 200);
  } finally {
    await newapi.close();
  }
});

test('artifactError is not an answer for unfinished tasks: those stay the profile\'s own not-ready error', async () => {
  const newapi = await startMockServer({ profile: 'newapi' });
  try {
    newapi.setFaults('never_artifact', { artifactError: { kind: 'gone' } });
    const response = await request(`${newapi.baseUrl}/v1/videos/never_artifact/content`);
    assert.equal(response.status, 400);
    assert.match(String((json(response)['error'] as Record<string, unknown>)['message']), /current status: IN_PROGRESS$/);
  } finally {
    await newapi.close();
  }
});
