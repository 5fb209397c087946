import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runWaitCommand } from '../helpers/wait-command.js';

describe('ezvideo wait --then-download: a download that rejects (a bug) while other ids are still polled', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', generationTimeMs: 100 });
  });
  after(async () => {
    await server.close();
  });

  it('runWait rejects with that error once the wait is over, and Node never sees an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const bug = new Error('a bug in the downloader');
      const downloaded: string[] = [];
      const rejecting = () => async (id: string) => {
        downloaded.push(id);
        throw bug;
      };
      // never_rej keeps the wait going (until --timeout) long after vid_rej's download failed.
      const running = runWaitCommand(server, ['vid_rej', 'never_rej'], { flags: { thenDownload: true, timeout: 800 }, downloader: rejecting });
      await assert.rejects(running, (error: unknown) => error === bug);
      assert.deepEqual(downloaded, ['vid_rej']);
      // Unhandled rejections are reported after a turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
