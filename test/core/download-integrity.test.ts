import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadVideo, type DownloadOptions } from '../../src/core/download.js';
import { EzvideoError, ExitCode } from '../../src/errors.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import {
  allProfiles,
  clientFor,
  contentRequests,
  eventLog,
  exists,
  fastRetry,
  fileSha256,
  filesIn,
  servedSha256,
  sidecars,
  removeTempDirs,
  tempDir,
  testKey,
} from '../helpers/download-sim.js';

const KiB = 1024;

async function failure(promise: Promise<unknown>): Promise<EzvideoError> {
  const error = await promise.then(
    () => assert.fail('the download succeeded'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof EzvideoError, `not an EzvideoError: ${String(error)}`);
  return error;
}

after(removeTempDirs);

/**
 * What lands and what does not: cuts that HTTP cannot see (chunked bodies ended early), files
 * that are complete but broken, checksums, and the lock that keeps two writers apart.
 */
for (const profile of allProfiles) {
  describe(`downloadVideo integrity against the ${profile} simulator`, () => {
    let server: MockServer;
    let dir: string;
    before(async () => {
      server = await startMockServer({ profile, key: testKey, seed: 11 });
      dir = await tempDir();
    });
    after(async () => {
      await server.close();
    });

    const pathOf = (id: string) => join(dir, `${id}.mp4`);
    // The gateway's own /content: the checks of what it sends (the direct link has its own tests).
    const download = (id: string, overrides: Partial<DownloadOptions> = {}) =>
      downloadVideo(id, {
        client: clientFor(server),
        output: { kind: 'file', path: pathOf(id), renameByType: false },
        source: 'gateway',
        retry: fastRetry,
        // The results' sha256 is what these tests check the landed bytes with.
        hash: true,
        ...overrides,
      });

    it('a part file that grew behind the download (another writer) is not landed: exit 9, nothing at the final path', async () => {
      const id = 'size_1m_grown';
      const path = pathOf(id);
      server.setFaults(id, { throttle: 1024 * KiB });
      let grown = false;
      const onEvent: DownloadOptions['onEvent'] = (event) => {
        if (grown || event.type !== 'download-progress' || event.bytes < 256 * KiB) return;
        grown = true;
        appendFileSync(sidecars(path).part, Buffer.alloc(2048 * KiB));
      };
      const error = await failure(download(id, { onEvent }));
      assert.ok(grown, 'the part file was written to from outside');
      assert.equal(error.exitCode, ExitCode.output);
      const held = Number(/^size_1m_grown: .*\.part holds (\d+) bytes where 1048576 were written$/.exec(error.message)?.[1]);
      assert.ok(held > 2048 * KiB, error.message);
      assert.match(error.hint ?? '', /starts the file over/);
      assert.equal(await exists(path), false);
    });

    it('a clean chunked cut (no Content-Length, clean end) is caught by the structure check and retried to an identical file', async () => {
      const id = 'size_1m_chunkcut';
      server.setFaults(id, { chunkedCut: { atByte: 300 * KiB, times: 1 } });
      const log = eventLog();
      const result = await download(id, { onEvent: log.sink });
      assert.equal(result.sha256, await servedSha256(server, id));
      assert.equal(await fileSha256(result.path), result.sha256);
      assert.equal(result.verified, 'ok');
      const [first, second, ...rest] = contentRequests(server, id);
      assert.equal(rest.length, 0);
      assert.deepEqual([first?.status, first?.bodyBytes, first?.cut], [200, 300 * KiB, undefined], 'the first body ended cleanly');
      assert.match(log.ofType('download-retry')[0]?.reason ?? '', /ended early without a Content-Length/);
      if (profile === 'ezmodel') {
        assert.equal(second?.status, 200);
      } else {
        assert.equal(second?.range, `bytes=${300 * KiB}-`, 'the rest is asked for');
        assert.equal(second?.status, 206);
        assert.equal(result.resumed, true);
      }
    });

    it('a chunked cut on every try, without usable Range, exits 9 and lands nothing', async () => {
      const id = 'size_1m_chunkcutalways';
      server.setFaults(id, { chunkedCut: { atByte: 200 * KiB }, ignoreRange: true });
      const error = await failure(download(id, { retry: { ...fastRetry, retries: 2 } }));
      assert.equal(error.exitCode, ExitCode.output);
      assert.match(error.message, /incomplete on every attempt/);
      assert.equal(await exists(pathOf(id)), false, 'nothing at the final path');
      assert.equal(await exists(sidecars(pathOf(id)).lock), false);
      // The first attempt got further than ever before, so it was free; then 1 + 2 retries.
      assert.equal(contentRequests(server, id).length, 4);
    });

    if (profile !== 'ezmodel') {
      it('a chunked cut on every try, with Range, gets further each time and lands identical', async () => {
        const id = 'size_1m_chunkcutrange';
        server.setFaults(id, { chunkedCut: { atByte: 256 * KiB } });
        const result = await download(id, { retry: { ...fastRetry, retries: 1 } });
        assert.equal(result.sha256, await servedSha256(server, id));
        assert.equal(await fileSha256(result.path), result.sha256);
        assert.deepEqual(
          contentRequests(server, id).map((request) => request.range),
          [undefined, 'bytes=262144-', 'bytes=524288-', 'bytes=786432-'],
          'attempts that move the file forward do not use up the one retry',
        );
      });
    }

    if (profile !== 'ezmodel') {
      it('a chunked cut, then a range answer that completes a broken file: broken at once (9), not retried as a cut', async () => {
        const id = 'broken_1m_chunked';
        server.setFaults(id, { chunkedCut: { atByte: 300 * KiB, times: 1 } });
        const error = await failure(download(id));
        assert.equal(error.exitCode, ExitCode.output);
        assert.match(error.message, /complete but broken file/);
        assert.deepEqual(
          contentRequests(server, id).map((request) => [request.range, request.status]),
          [[undefined, 200], [`bytes=${300 * KiB}-`, 206]],
          'the size learnt from Content-Range makes the finished file complete',
        );
        assert.deepEqual(filesIn(dir).filter((name) => name.startsWith(id)), []);
      });
    }

    it('a broken but complete file (broken_ id, length right) exits 9 and lands nothing', async () => {
      const id = 'broken_1m_a';
      const error = await failure(download(id));
      assert.equal(error.exitCode, ExitCode.output);
      assert.match(error.message, /complete but broken file/);
      assert.match(error.hint ?? '', /--no-verify/);
      assert.equal(contentRequests(server, id).length, 1, 'a broken file is not downloaded again');
      assert.deepEqual(filesIn(dir).filter((name) => name.startsWith(id)), [], 'no final file, no part, no state, no lock');
    });

    it('--no-verify lands the broken file as served, with a warning', async () => {
      const id = 'broken_1m_b';
      const log = eventLog();
      const result = await download(id, { verify: false, onEvent: log.sink });
      assert.equal(result.verified, 'failed');
      assert.equal(result.sha256, await servedSha256(server, id));
      assert.equal(await fileSha256(pathOf(id)), result.sha256);
      assert.ok(log.ofType('download-warning').some((event) => /failed the structure check .*--no-verify/.test(event.message)));
    });

    it('--sha256: a match lands the file, a mismatch exits 9 and lands nothing', async () => {
      const good = 'size_1m_shagood';
      const expected = await servedSha256(server, good);
      const result = await download(good, { expectedSha256: expected.toUpperCase() });
      assert.equal(result.sha256, expected);
      assert.equal(await fileSha256(pathOf(good)), expected);

      const bad = 'size_1m_shabad';
      const error = await failure(download(bad, { expectedSha256: 'ab'.repeat(32) }));
      assert.equal(error.exitCode, ExitCode.output);
      assert.match(error.message, /sha256 mismatch: expected abab.*, got [0-9a-f]{64}/);
      assert.deepEqual(filesIn(dir).filter((name) => name.startsWith(bad)), [], 'no final file, no part left to resume');
    });

    it('an output locked by a live process fails fast with a clear message, before any request', async () => {
      const id = 'vid_x_locked';
      const path = pathOf(id);
      const { lock } = sidecars(path);
      await writeFile(lock, JSON.stringify({ pid: 4242, host: hostname(), startedAt: new Date().toISOString() }));
      const started = Date.now();
      const error = await failure(download(id, { lockOwner: { pid: 1, isAlive: (pid) => pid === 4242 } }));
      assert.ok(Date.now() - started < 1000, 'fails fast');
      assert.equal(error.exitCode, ExitCode.output);
      assert.match(error.message, /is being downloaded by another ezvideo process \(pid 4242 on /);
      assert.equal(contentRequests(server, id).length, 0);
      assert.equal(await exists(lock), true, 'the holder keeps its lock');
      assert.equal(await exists(path), false);
    });

    it('a stale lock from a dead pid is recovered and the download lands', async () => {
      const id = 'vid_x_stale';
      const path = pathOf(id);
      const { lock } = sidecars(path);
      await writeFile(lock, JSON.stringify({ pid: 4243, host: hostname(), startedAt: new Date().toISOString() }));
      const result = await download(id, { lockOwner: { pid: 1, isAlive: () => false } });
      assert.equal(result.sha256, await servedSha256(server, id));
      assert.equal(await exists(lock), false, 'released after success');
    });
  });
}
