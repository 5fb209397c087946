import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VideoApiClient } from '../../src/api/client.js';
import { downloadVideo } from '../../src/core/download.js';
import { EzvideoError } from '../../src/errors.js';
import { startMockServer } from '../../src/mock/index.js';
import { fastRetry, fileSha256, removeTempDirs, tempDir } from '../helpers/download-sim.js';

describe('download edge cases', () => {
  after(removeTempDirs);

  it('a server that answers 416 to a plain request: exit 8 after one request, no loop', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(416, { 'content-range': 'bytes */0' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new VideoApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k-416-test' });
    try {
      const path = join(await tempDir(), 'out.mp4');
      await assert.rejects(
        downloadVideo('vid_416', { client, output: { kind: 'file', path, renameByType: false }, retry: fastRetry }),
        (error: unknown) => error instanceof EzvideoError && error.exitCode === 8 && /416/.test(error.message),
      );
      assert.equal(requests, 1);
    } finally {
      await client.close();
      server.close();
    }
  });

  it('a busy output does not leave the --max-time timer running', async () => {
    const path = join(await tempDir(), 'busy.mp4');
    writeFileSync(`${path}.part.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '' }));
    const client = new VideoApiClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k-busy-test' });
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    await assert.rejects(
      downloadVideo('vid_busy', { client, output: { kind: 'file', path, renameByType: false }, maxTimeMs: 600_000 }),
      /being downloaded by another ezvideo process/,
    );
    assert.equal(timers(), before);
    await client.close();
  });

  describe('a default name that follows the type sent never replaces an existing file', () => {
    const download = async (existing: 'refuse' | 'skip' | 'overwrite') => {
      const server = await startMockServer({ profile: 'ezmodel' });
      const client = new VideoApiClient({ baseUrl: server.baseUrl, apiKey: 'k-type-rename' });
      const dir = await tempDir();
      const landed = join(dir, 'vid_typed.mp4');
      writeFileSync(landed, 'precious, not a video');
      const before = await fileSha256(landed);
      try {
        // The gateway ignores --variant: `vid_typed.webp` was asked, `vid_typed.mp4` arrives.
        const outcome = await downloadVideo('vid_typed', {
          client,
          variant: 'thumbnail',
          existing,
          output: { kind: 'file', path: join(dir, 'vid_typed.webp'), renameByType: true },
        }).then(
          (result) => ({ result, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        );
        return { ...outcome, landed, before, after: await fileSha256(landed), expected: await server.payloadOf('vid_typed').sha256() };
      } finally {
        await client.close();
        await server.close();
      }
    };

    it('refused (exit 2) without --force; the file is untouched', async () => {
      const run = await download('refuse');
      assert.ok(run.error instanceof EzvideoError && run.error.exitCode === 2, String(run.error));
      assert.equal(run.after, run.before);
    });
    it('kept with --skip-existing', async () => {
      const run = await download('skip');
      assert.equal(run.result?.skipped, true);
      assert.equal(run.after, run.before);
    });
    it('replaced with --force', async () => {
      const run = await download('overwrite');
      assert.equal(run.result?.path, run.landed);
      assert.equal(run.after, run.expected);
    });
  });
});
