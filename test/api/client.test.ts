import assert from 'node:assert/strict';
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
