import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer, type ProfileName } from '../../src/mock/index.js';
import { waitUntil } from '../helpers/download-sim.js';
import { json, request } from './http-helpers.js';

const jsonHeaders = { 'content-type': 'application/json' };
const post = (server: MockServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${server.baseUrl}${path}`, { method: 'POST', headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body) });

const idPatterns: Record<ProfileName, RegExp> = {
  ideal: /^vid_[a-z0-9]{12}$/,
  openai: /^video_[0-9a-f]{48}$/,
  ezmodel: /^task_[a-z0-9]{32}$/,
  newapi: /^task_[a-z0-9]{32}$/,
};

describe('simulator: create and remix in each profile', () => {
  for (const profile of Object.keys(idPatterns) as ProfileName[]) {
    it(`${profile}: create answers the video object in its dialect, remix makes a task from another, both counted`, async () => {
      const server = await startMockServer({ profile, generationTimeMs: 60_000 });
      try {
        const created = await post(server, '/v1/videos', { prompt: 'a cat', model: 'sora-2-pro', seconds: '4', size: '720x1280', n: 2 }, { 'idempotency-key': 'k1' });
        assert.equal(created.status, 200, created.body.toString());
        const video = json(created);
        assert.match(String(video['id']), idPatterns[profile]);
        assert.equal(video['model'], 'sora-2-pro');
        const remixed = await post(server, `/v1/videos/${String(video['id'])}/remix`, { prompt: 'the cat, in the rain' }, { 'idempotency-key': 'k2' });
        assert.equal(remixed.status, 200, remixed.body.toString());
        assert.notEqual(json(remixed)['id'], video['id']);
        if (profile === 'ideal' || profile === 'openai') assert.equal(json(remixed)['remixed_from_video_id'], video['id']);
        assert.deepEqual(
          server.creations.map((record) => [record.route, record.idempotencyKey, record.remixOf ?? null, record.fields['prompt'], record.encoding]),
          [
            ['create', 'k1', null, 'a cat', 'json'],
            ['remix', 'k2', video['id'], 'the cat, in the rain', 'json'],
          ],
        );
        assert.equal(server.creations[0]?.fields['n'], 2, 'extra fields arrive as sent');
        assert.equal(server.creationCount(), 2);
        assert.equal(server.creationCount('k1'), 1);
        const unknown = await post(server, '/v1/videos/unknown_1/remix', { prompt: 'x' });
        assert.equal(unknown.status, profile === 'ideal' || profile === 'openai' ? 404 : 400, 'an unknown source is answered as the status call answers it');
        const noPrompt = await post(server, '/v1/videos', { model: 'sora-2' });
        assert.equal(noPrompt.status, 400);
        assert.equal(server.creationCount(), 2, 'refused creates make nothing');
      } finally {
        await server.close();
      }
    });
  }
});

describe('simulator: what a create carries', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'openai' });
  });
  after(() => server.close());

  it('multipart: text fields and the input_reference file part with its name, type and bytes', async () => {
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 0, 255]);
    const form = new FormData();
    form.set('prompt', 'from this frame');
    form.set('seconds', '8');
    form.set('input_reference', new Blob([image], { type: 'image/png' }), 'frame.png');
    const answer = await fetch(`${server.baseUrl}/v1/videos`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: form });
    assert.equal(answer.status, 200);
    const record = server.creations.at(-1);
    assert.equal(record?.encoding, 'multipart');
    assert.equal(record?.fields['prompt'], 'from this frame');
    assert.equal(record?.files.length, 1);
    assert.deepEqual([record?.files[0]?.field, record?.files[0]?.filename, record?.files[0]?.contentType], ['input_reference', 'frame.png', 'image/png']);
    assert.ok(record?.files[0]?.bytes.equals(image));
  });

  it('input_reference as a URL string is refused, as OpenAI-shaped servers do', async () => {
    const before = server.creationCount();
    const refused = await post(server, '/v1/videos', { prompt: 'x', input_reference: 'https://example.com/a.png' });
    assert.equal(refused.status, 400);
    assert.match(String((json(refused)['error'] as Record<string, unknown>)['message']), /file upload/);
    assert.equal(server.creationCount(), before);
  });
});

describe('simulator: create faults and Idempotency-Key', () => {
  it('createTimeout makes the task and never answers; createReset answers nothing and makes nothing', async () => {
    const server = await startMockServer({ faults: { createTimeout: { times: 1 } } });
    try {
      const controller = new AbortController();
      const hung = fetch(`${server.baseUrl}/v1/videos`, { method: 'POST', headers: { authorization: 'Bearer k', ...jsonHeaders }, body: '{"prompt":"x"}', signal: controller.signal });
      assert.ok(await waitUntil(() => server.creationCount() === 1, 10_000), 'the task exists while the client still waits');
      controller.abort();
      await assert.rejects(hung);
      assert.equal((await post(server, '/v1/videos', { prompt: 'y' })).status, 200, 'times: 1');
      server.setFaults('*', { createReset: { times: 1 } });
      await assert.rejects(post(server, '/v1/videos', { prompt: 'z' }), { code: 'ECONNRESET' });
      assert.equal(server.creationCount(), 2, 'a reset before the body is read makes nothing');
    } finally {
      await server.close();
    }
  });

  it('failFirst on create refuses the first k creates; failGeneration makes tasks that fail', async () => {
    const server = await startMockServer({ faults: { failFirst: { count: 1, status: 503, retryAfterSeconds: 1, on: 'create' } } });
    try {
      const refused = await post(server, '/v1/videos', { prompt: 'x' });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(server.creationCount(), 0);
      server.setFaults('*', { failGeneration: { times: 1 } });
      const failing = json(await post(server, '/v1/videos', { prompt: 'x' }));
      const fine = json(await post(server, '/v1/videos', { prompt: 'y' }));
      assert.equal(server.task(String(failing['id']))?.phase, 'failed');
      assert.equal(server.task(String(fine['id']))?.phase, 'completed');
    } finally {
      await server.close();
    }
  });

  it('honourIdempotencyKey answers a repeated key with its first task; without it each create makes one', async () => {
    for (const honour of [true, false]) {
      const server = await startMockServer({ honourIdempotencyKey: honour });
      try {
        const first = json(await post(server, '/v1/videos', { prompt: 'x' }, { 'idempotency-key': 'same' }));
        const second = json(await post(server, '/v1/videos', { prompt: 'x' }, { 'idempotency-key': 'same' }));
        assert.equal(first['id'] === second['id'], honour);
        assert.equal(server.creationCount('same'), honour ? 1 : 2);
        assert.equal(server.creations.length, 2, 'every create is logged');
      } finally {
        await server.close();
      }
    }
  });
});
