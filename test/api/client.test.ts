import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { downloadVideo, EzvideoError, VideoApiClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

describe('the library without an API key', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal' });
  });
  after(() => server.close());

  it('an unset key (process.env.EZVIDEO_API_KEY undefined) is "no API key", exit 3, before any request', async () => {
    for (const apiKey of [undefined, '', '  ']) {
      await assert.rejects(
        downloadVideo('vid_nokey', { apiKey: apiKey as unknown as string, baseUrl: server.baseUrl, path: '/nonexistent-dir/never.mp4' }),
        (error: unknown) => error instanceof EzvideoError && error.code === 'auth' && error.exitCode === 3 && /no API key/.test(error.message),
      );
    }
    assert.equal(server.requests.length, 0);
  });
});

describe('direct links', () => {
  it('a plain-http link while the API uses https is refused before any request', async () => {
    const client = new VideoApiClient({ apiKey: 'k-direct-test', baseUrl: 'https://api.invalid' });
    try {
      await assert.rejects(client.openLink('vid_1', 'http://cdn.invalid/v.mp4?sig=1'), (error: unknown) => error instanceof EzvideoError && /plain http while the API uses https/.test(error.message));
    } finally {
      await client.close();
    }
  });
});

describe('status objects', () => {
  it('a task object larger than an error body may be (a 300 KiB prompt) is read whole, not cut at the 64 KiB error cap', async () => {
    const prompt = 'a quiet harbour at dawn, '.repeat(12_500);
    const task = { id: 'vid_long', object: 'video', status: 'completed', model: 'sora-2', progress: 100, prompt };
    const body = JSON.stringify(task);
    assert.ok(body.length > 300 * 1024);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new VideoApiClient({ apiKey: 'k-status-test', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const video = await client.getVideo('vid_long');
      assert.equal(video.id, 'vid_long');
      assert.equal(video.status, 'completed');
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
