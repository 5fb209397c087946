import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDirectLink, linkExpiresAtMs } from '../../src/api/direct-link.js';
import { parseVideo } from '../../src/api/parse-video.js';

describe('findDirectLink: every place the gateway family puts one', () => {
  const link = 'https://cdn.example/v/abc.mp4?sig=1';
  const cases: Array<[string, Record<string, unknown>]> = [
    ['metadata.url', { metadata: { url: link } }],
    ['video_url', { video_url: link }],
    ['url', { url: link }],
    ['result_url', { result_url: link }],
    ['output.video_url', { output: { video_url: link } }],
    ['output.url', { output: { url: link } }],
    ['data.video_url', { data: { video_url: link } }],
    ['content.video_url (Seedance)', { content: { video_url: link } }],
    ['task_result.videos[0].url (Kling)', { task_result: { videos: [{ url: link }] } }],
    ['videos[0].url', { videos: [{ url: link }] }],
  ];
  for (const [where, body] of cases) {
    it(where, () => assert.equal(findDirectLink(body), link));
  }
  it('metadata.url wins over the others', () => {
    assert.equal(findDirectLink({ video_url: 'https://b.example/x', metadata: { url: 'https://a.example/x' } }), 'https://a.example/x');
  });
  it('only absolute http(s) links: file:, javascript:, relative and empty values are no link', () => {
    for (const value of ['file:///etc/passwd', 'javascript:alert(1)', '/v1/files/x', '', '   ', 42, null]) {
      assert.equal(findDirectLink({ metadata: { url: value } }), undefined, String(value));
    }
    assert.equal(findDirectLink({ url: 'ftp://x.example/a', video_url: 'http://y.example/b' }), 'http://y.example/b');
  });
});

describe('linkExpiresAtMs: the expiry a signed link carries', () => {
  it("the gateway's capability URL: access=<expiry>.<signature>", () => {
    assert.equal(linkExpiresAtMs('https://gw.example/v1/tasks/t/artifacts/video/content?access=1767225600.ab12', undefined), 1767225600_000);
  });
  it('Expires= (CloudFront, GCS v2), any case', () => {
    assert.equal(linkExpiresAtMs('https://cdn.example/a.mp4?Expires=1767225600&Signature=x', undefined), 1767225600_000);
    assert.equal(linkExpiresAtMs('https://cdn.example/a.mp4?expires=1767225600&sig=x', undefined), 1767225600_000);
  });
  it('AWS and GCS v4: signing date plus lifetime', () => {
    assert.equal(linkExpiresAtMs('https://s3.example/a?X-Amz-Date=20261202T063000Z&X-Amz-Expires=3600&X-Amz-Signature=x', undefined), Date.UTC(2026, 11, 2, 7, 30, 0));
    assert.equal(linkExpiresAtMs('https://gcs.example/a?X-Goog-Date=20261202T063000Z&X-Goog-Expires=60', undefined), Date.UTC(2026, 11, 2, 6, 31, 0));
  });
  it('Azure se=', () => {
    assert.equal(linkExpiresAtMs('https://blob.example/a?se=2026-12-02T07%3A00%3A00Z&sig=x', undefined), Date.UTC(2026, 11, 2, 7, 0, 0));
  });
  it("without one in the URL, the task's expires_at; else unknown", () => {
    assert.equal(linkExpiresAtMs('https://cdn.example/a.mp4', 1767225600), 1767225600_000);
    assert.equal(linkExpiresAtMs('https://cdn.example/a.mp4?x=1', undefined), undefined);
  });
});

describe('parseVideo: status shapes of every release', () => {
  it('the bare internal record (task_id, SUCCESS, "100%", fail_reason, finished_at, no id) parses fully', () => {
    const task = parseVideo({ task_id: 'task_abc', status: 'SUCCESS', progress: '100%', fail_reason: '', finished_at: 1767225600, platform: 'kling', created_at: 1767225000 }, 'task_abc');
    assert.deepEqual(
      [task.id, task.status, task.rawStatus, task.progress, task.completedAt, task.createdAt, task.error, task.directUrl],
      ['task_abc', 'completed', 'SUCCESS', 100, 1767225600, 1767225000, undefined, undefined],
    );
    const failed = parseVideo({ task_id: 'task_f', status: 'FAILURE', progress: '100%', fail_reason: 'content policy' }, 'task_f');
    assert.deepEqual([failed.status, failed.error], ['failed', 'content policy']);
  });
  it('"unknown" (not started) counts as still running, shown as queued', () => {
    assert.equal(parseVideo({ id: 't', status: 'unknown' }, 't').status, 'queued');
  });
  it('metadata.url is part of the parsed task', () => {
    const task = parseVideo({ id: 't', object: 'video', status: 'completed', metadata: { url: 'https://cdn.example/t.mp4?expires=1' } }, 't');
    assert.equal(task.directUrl, 'https://cdn.example/t.mp4?expires=1');
  });
});
