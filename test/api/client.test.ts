import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { downloadVideo, EzvideoError } from '../../src/index.js';
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
