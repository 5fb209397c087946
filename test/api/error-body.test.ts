import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFromResponse, isRetryableHttpError } from '../../src/api/classify-response.js';
import { parseErrorBody } from '../../src/api/error-body.js';

describe('parseErrorBody: every shape in the API notes', () => {
  it('documented: {"error":{"message","code"}}', () => {
    assert.deepEqual(parseErrorBody('{"error":{"message":"Video not found or not ready","code":"video_not_found"}}'), {
      code: 'video_not_found',
      message: 'Video not found or not ready',
      type: undefined,
    });
  });
  it('gateway: {"error":{"message","type"}} without code', () => {
    assert.deepEqual(parseErrorBody('{"error":{"message":"Task not found","type":"invalid_request_error"}}'), {
      code: undefined,
      message: 'Task not found',
      type: 'invalid_request_error',
    });
  });
  it('OpenAI: type, message, param, code', () => {
    const parsed = parseErrorBody('{"error":{"type":"invalid_request_error","message":"No video","param":"id","code":"not_found"}}');
    assert.equal(parsed.code, 'not_found');
    assert.equal(parsed.type, 'invalid_request_error');
  });
  it('flat status-call shape {"code":"task_not_exist",...}', () => {
    assert.deepEqual(parseErrorBody('{"code":"task_not_exist","message":"task_not_exist","data":null}'), {
      code: 'task_not_exist',
      message: 'task_not_exist',
      type: undefined,
    });
  });
  it('an empty code is no code (the gateway 401 sends code: "")', () => {
    assert.equal(parseErrorBody('{"error":{"message":"无效的令牌","type":"new_api_error","code":""}}').code, undefined);
  });
  it('an HTML page from a proxy: its title', () => {
    assert.equal(parseErrorBody('<html><head><title>502 Bad Gateway</title></head><body><h1>x</h1></body></html>').message, '502 Bad Gateway');
  });
  it('plain text, folded to one bounded line', () => {
    const parsed = parseErrorBody(`upstream\nconnect error ${'x'.repeat(1000)}`);
    assert.ok(parsed.message?.startsWith('upstream connect error'));
    assert.ok((parsed.message?.length ?? 0) <= 301);
  });
  it('malformed JSON is read as text', () => {
    assert.equal(parseErrorBody('{"error": {"mess').message, '{"error": {"mess');
  });
});

describe('errorFromResponse: status + body -> exit code', () => {
  const classify = (status: number, body: string, headers: Record<string, string> = {}) =>
    errorFromResponse('vid_1: GET content', status, headers, body);

  it('documented 404 codes', () => {
    assert.equal(classify(404, '{"error":{"message":"x","code":"video_not_found"}}').exitCode, 4);
    assert.equal(classify(404, '{"error":{"message":"x","code":"video_not_ready"}}').exitCode, 5);
    assert.equal(classify(404, '{"error":{"message":"x","code":"video_expired"}}').exitCode, 7);
    assert.equal(classify(404, '{"error":{"message":"x","code":"unauthorized"}}').exitCode, 3);
  });
  it('gateway 404 "Task not found" without code -> 4', () => {
    assert.equal(classify(404, '{"error":{"message":"Task not found","type":"invalid_request_error"}}').exitCode, 4);
  });
  it('gateway 400 "not completed yet" -> not ready (5)', () => {
    const error = classify(400, '{"error":{"message":"Task is not completed yet, current status: IN_PROGRESS","type":"invalid_request_error"}}');
    assert.equal(error.code, 'not_ready');
    assert.equal(error.exitCode, 5);
    assert.match(error.message, /current status: IN_PROGRESS/);
  });
  it('gateway 400 flat task_not_exist -> 4', () => {
    assert.equal(classify(400, '{"code":"task_not_exist","message":"task_not_exist","data":null}').exitCode, 4);
  });
  it('401 and 403 -> 3', () => {
    assert.equal(classify(401, '{"error":{"message":"无效的令牌","code":""}}').exitCode, 3);
    assert.equal(classify(403, 'Forbidden').exitCode, 3);
  });
  it('502 upstream 404 -> expired (7); other 502 -> server error (8)', () => {
    assert.equal(classify(502, '{"error":{"message":"Upstream service returned status 404, body: gone","type":"server_error"}}').exitCode, 7);
    const other = classify(502, '<title>502 Bad Gateway</title>');
    assert.equal(other.code, 'server');
    assert.equal(other.exitCode, 8);
  });
  it('429 carries Retry-After', () => {
    assert.equal(classify(429, '{}', { 'retry-after': '3' }).retryAfterMs, 3000);
    assert.equal(classify(429, '{}', { 'retry-after-ms': '250' }).retryAfterMs, 250);
  });
  it('OpenAI 404 "Video is not ready yet" right after completion -> not ready (5)', () => {
    assert.equal(classify(404, '{"error":{"message":"Video is not ready yet","type":"invalid_request_error"}}').code, 'not_ready');
  });
});

describe('errorFromResponse: the artifact proxy\'s coded answers', () => {
  const artifact = (status: number, code: string, headers: Record<string, string> = {}) =>
    errorFromResponse('task_1: GET content', status, headers, JSON.stringify({ error: { code, message: `${code} (simulated)`, type: 'new_api_error' } }));

  it('artifact_gone and result_expired (410) -> expired (7), not retried', () => {
    for (const code of ['artifact_gone', 'result_expired']) {
      const error = artifact(410, code);
      assert.deepEqual([error.code, error.exitCode, isRetryableHttpError(error)], ['expired', 7, false], code);
    }
  });
  it('artifact_upstream_busy (503 + Retry-After) and artifact_upstream_timeout (504) are retried', () => {
    const busy = artifact(503, 'artifact_upstream_busy', { 'retry-after': '2' });
    assert.deepEqual([isRetryableHttpError(busy), busy.retryAfterMs], [true, 2000]);
    assert.equal(isRetryableHttpError(artifact(504, 'artifact_upstream_timeout')), true);
    assert.equal(isRetryableHttpError(artifact(502, 'artifact_upstream_error')), true);
  });
  it('artifact_upstream_auth_failed (502): one final failure that says whose credentials failed', () => {
    const error = artifact(502, 'artifact_upstream_auth_failed');
    assert.deepEqual([error.code, error.exitCode, isRetryableHttpError(error)], ['server', 8, false]);
    assert.match(error.message, /the gateway's own credentials with its upstream provider were refused \(not your API key\)/);
    assert.doesNotMatch(error.message, /the API key was refused/);
    assert.match(error.hint ?? '', /operator/);
  });
  it('artifact_request_rejected (403 or 502) is not retried and is not an API-key problem', () => {
    for (const status of [403, 502]) {
      const error = artifact(status, 'artifact_request_rejected');
      assert.deepEqual([error.code, error.exitCode, isRetryableHttpError(error)], ['server', 8, false], String(status));
      assert.doesNotMatch(error.message, /API key was refused/);
    }
  });
});
