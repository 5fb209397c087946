import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import {
  allProfiles,
  bytesSha256,
  contentRequests,
  exists,
  fileSha256,
  filesIn,
  servedSha256,
  sidecars,
  removeTempDirs,
  tempDir,
  testKey,
  waitUntil,
} from '../helpers/download-sim.js';
import { createMemoryIO, type MemoryIO } from '../helpers/memory-io.js';

const MiB = 1024 * 1024;
const escapeCode = /\u001b\[/;

interface Ran {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  ms: number;
}

/** `ezvideo download ...` in this process, with in-memory streams (stderr not a terminal). */
async function download(server: MockServer, args: string[], memory: MemoryIO = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' } })): Promise<Ran> {
  const started = Date.now();
  const code = await run(['download', ...args, '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
  return { code, stdout: memory.stdout.text(), stdoutBytes: memory.stdout.bytes(), stderr: memory.stderr.text(), ms: Date.now() - started };
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** How many of these requests were in flight at the same time, at most. */
function peakOverlap(requests: readonly { startedAt: number; endedAt: number | undefined }[]): number {
  return Math.max(...requests.map((request) => requests.filter((other) => other.startedAt <= request.startedAt && (other.endedAt ?? Infinity) > request.startedAt).length));
}

after(removeTempDirs);

for (const profile of allProfiles) {
  describe(`ezvideo download (in process) against the ${profile} simulator: batches`, () => {
    let server: MockServer;
    before(async () => {
      server = await startMockServer({ profile, key: testKey, seed: 3 });
    });
    after(async () => {
      await server.close();
    });

    it('several ids with --concurrency 2 --dir (created): default names, identical files, one --json line each', async () => {
      const dir = join(await tempDir(), 'nested', 'out');
      const ids = ['size_1m_b1', 'size_1m_b2', 'size_1m_b3', 'vid_x'];
      for (const id of ids) server.setFaults(id, { throttle: 6 * MiB });
      const ran = await download(server, [...ids, '--dir', dir, '--concurrency', '2', '--json']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(filesIn(dir), ids.map((id) => `${id}.mp4`).sort(), 'only the finished files');
      const lines = jsonLines(ran.stdout);
      assert.deepEqual(lines.map((line) => line['id']).sort(), [...ids].sort());
      for (const line of lines) {
        const id = String(line['id']);
        assert.equal(line['path'], join(dir, `${id}.mp4`));
        assert.equal(line['sha256'], await servedSha256(server, id), id);
        assert.equal(await fileSha256(join(dir, `${id}.mp4`)), line['sha256'], id);
        assert.equal(line['bytes'], server.payloadOf(id).size);
        assert.equal(line['contentType'], 'video/mp4');
        assert.deepEqual([line['attempts'], line['resumed'], line['exitCode']], [1, false, 0]);
        assert.equal(typeof line['elapsedMs'], 'number');
      }
      const requests = server.requests.filter((request) => ids.includes(request.taskId ?? ''));
      assert.equal(requests.length, ids.length);
      assert.equal(peakOverlap(requests), 2, 'two at a time, never more');
      assert.doesNotMatch(ran.stderr, escapeCode, 'not a terminal: no escape codes');
    });

    it('-o - writes exactly the served bytes to stdout and nothing else', async () => {
      const ran = await download(server, ['size_2m_pipe', '-o', '-']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdoutBytes.length, 2 * MiB);
      assert.equal(bytesSha256(ran.stdoutBytes), await servedSha256(server, 'size_2m_pipe'));
    });
  });
}

describe('ezvideo download (in process): outputs, exit codes and messages', () => {
  let server: MockServer;
  let ezmodel: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 5 });
    ezmodel = await startMockServer({ profile: 'ezmodel', key: testKey, seed: 5, transferLimitMs: 1200 });
  });
  after(async () => {
    await Promise.all([server.close(), ezmodel.close()]);
  });

  it('--json on failure: exitCode and message per id; the exit code is the first failure in input order', async () => {
    const dir = await tempDir();
    const ran = await download(server, ['vid_x', 'expired_j1', 'nope_j1', '--dir', dir, '--json', '--retries', '0']);
    const lines = new Map(jsonLines(ran.stdout).map((line) => [line['id'], line]));
    assert.equal(lines.size, 3);
    assert.equal(lines.get('vid_x')?.['exitCode'], 0);
    for (const [id, exitCode] of [['expired_j1', 7], ['nope_j1', 4]] as const) {
      const failed = lines.get(id);
      assert.equal(failed?.['exitCode'], exitCode, id);
      assert.match(String(failed?.['message']), new RegExp(`^${id}: `));
      assert.equal(failed?.['path'], undefined);
    }
    assert.equal(ran.code, 7, 'the first failing id in input order decides');
    assert.match(ran.stderr, /error: 2 of 3 ids failed; the first: expired_j1/);
    assert.deepEqual(filesIn(dir), ['vid_x.mp4'], 'failed ids leave no files at all');
  });

  it('-o with several ids is a usage error (2) before any request', async () => {
    const before = server.requests.length;
    const ran = await download(server, ['vid_x', 'vid_y', '-o', join(await tempDir(), 'a.mp4')]);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /^error: -o .* names one output but 2 ids were given\nhint: Use --dir/);
    assert.equal(server.requests.length, before);
  });

  it('an existing output is untouched without --force (2); --skip-existing makes no request; --force replaces it', async () => {
    const dir = await tempDir();
    const path = join(dir, 'keep.mp4');
    await writeFile(path, 'precious');
    const before = contentRequests(server, 'vid_keep').length;
    const refused = await download(server, ['vid_keep', '-o', path]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists/);
    assert.equal(await readFile(path, 'utf8'), 'precious');

    const skipped = await download(server, ['vid_keep', '-o', path, '--skip-existing', '--json']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal(jsonLines(skipped.stdout)[0]?.['skipped'], true);
    assert.equal(await readFile(path, 'utf8'), 'precious');
    assert.equal(contentRequests(server, 'vid_keep').length, before, 'neither made a request');

    const forced = await download(server, ['vid_keep', '-o', path, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await fileSha256(path), await servedSha256(server, 'vid_keep'));
    assert.deepEqual(filesIn(dir), ['keep.mp4']);
  });

  it('429 with Retry-After: 1 waits at least a second (measured), then lands the file', async () => {
    const dir = await tempDir();
    server.setFaults('vid_ra', { failFirst: { count: 1, status: 429, retryAfterSeconds: 1 } });
    const ran = await download(server, ['vid_ra', '--dir', dir]);
    assert.equal(ran.code, 0, ran.stderr);
    const [refused, served] = contentRequests(server, 'vid_ra');
    assert.equal(refused?.status, 429);
    assert.ok((served?.startedAt ?? 0) - (refused?.endedAt ?? Infinity) >= 990, 'the retry came at least 1 s after the 429');
    assert.match(ran.stderr, /attempt 1 failed: .*429.*retrying in 1/);
    assert.equal(await fileSha256(join(dir, 'vid_ra.mp4')), await servedSha256(server, 'vid_ra'));
  });

  it('--idle-timeout: a stall is detected and retried, and the file lands identical', async () => {
    const dir = await tempDir();
    server.setFaults('size_1m_stall', { stall: { seconds: 10, afterBytes: 256 * 1024, times: 1 } });
    const ran = await download(server, ['size_1m_stall', '--dir', dir, '--idle-timeout', '300ms']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.ok(ran.ms < 5000);
    assert.match(ran.stderr, /stalled/);
    assert.equal(await fileSha256(join(dir, 'size_1m_stall.mp4')), await servedSha256(server, 'size_1m_stall'));
  });

  it('the repeated transfer cut (ezmodel, limit 1.2 s, slow link, --source gateway): exit 8, says why, nothing at the final path', async () => {
    const dir = await tempDir();
    const path = join(dir, 'cut.mp4');
    // vid_x is 34 094 bytes: at 8 KiB/s it needs about 4 s, and every transfer is cut at 1.2 s.
    ezmodel.setFaults('vid_cut', { throttle: 8 * 1024 });
    const ran = await download(ezmodel, ['vid_cut', '-o', path, '--source', 'gateway']);
    assert.equal(ran.code, 8, ran.stderr);
    assert.match(ran.stderr, /error: vid_cut: the transfer was cut after about 1.0s on each of the last 3 attempts.*limits each transfer to about 1.0s/);
    assert.match(ran.stderr, /hint: Retrying cannot help/);
    // The gateway ignores the range on every resume: that is said once, not once per attempt.
    assert.equal(ran.stderr.split('\n').filter((line) => line.includes('ignored the range request')).length, 1, ran.stderr);
    assert.equal(await exists(path), false);
    assert.equal(await exists(sidecars(path).lock), false);
    const requests = contentRequests(ezmodel, 'vid_cut');
    assert.deepEqual(requests.map((request) => request.cut), ['transfer-limit', 'transfer-limit', 'transfer-limit'], 'no retry once the pattern is plain');
  });

  it('a chunked cut on every try exits 9 and lands nothing (--source gateway)', async () => {
    const dir = await tempDir();
    ezmodel.setFaults('size_1m_cc', { chunkedCut: { atByte: 100 * 1024 } });
    const ran = await download(ezmodel, ['size_1m_cc', '--dir', dir, '--retries', '1', '--source', 'gateway']);
    assert.equal(ran.code, 9, ran.stderr);
    assert.match(ran.stderr, /error: size_1m_cc: the download is incomplete on every attempt/);
    assert.equal(await exists(join(dir, 'size_1m_cc.mp4')), false);
  });

  it('a broken but complete file exits 9 and lands nothing; --no-verify lands it with a warning', async () => {
    const dir = await tempDir();
    const refused = await download(server, ['broken_512k_c', '--dir', dir]);
    assert.equal(refused.code, 9, refused.stderr);
    assert.match(refused.stderr, /error: broken_512k_c: the server sent a complete but broken file/);
    // A single id's failure is its error line alone: no `stopped at`, which is for interruptions.
    assert.doesNotMatch(refused.stderr, /stopped at/);
    assert.deepEqual(filesIn(dir), []);

    const kept = await download(server, ['broken_512k_c', '--dir', dir, '--no-verify', '--json']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stderr, /warning: .*failed the structure check/);
    assert.equal(jsonLines(kept.stdout)[0]?.['verified'], 'failed');
    assert.equal(await fileSha256(join(dir, 'broken_512k_c.mp4')), await servedSha256(server, 'broken_512k_c'));
  });

  it('--sha256: a match exits 0, a mismatch exits 9 and lands nothing', async () => {
    const dir = await tempDir();
    const good = await download(server, ['vid_sha', '--dir', dir, '--sha256', await servedSha256(server, 'vid_sha')]);
    assert.equal(good.code, 0, good.stderr);
    const bad = await download(server, ['size_1m_sha', '--dir', dir, '--sha256', '0'.repeat(64)]);
    assert.equal(bad.code, 9);
    assert.match(bad.stderr, /error: size_1m_sha: sha256 mismatch/);
    assert.deepEqual(filesIn(dir), ['vid_sha.mp4']);
  });

  it('an interruption mid-download ends with 130 and keeps the part; the same command resumes to an identical file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'int.mp4');
    server.setFaults('size_2m_int', { throttle: 2 * MiB });
    const memory = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' } });
    const running = download(server, ['size_2m_int', '-o', path], memory);
    assert.ok(await waitUntil(() => memory.stderr.text().includes('downloading'), 5000));
    await waitUntil(() => (contentRequests(server, 'size_2m_int')[0]?.bodyBytes ?? 0) > 256 * 1024, 5000);
    memory.interrupt('SIGINT');
    const stopped = await running;
    assert.equal(stopped.code, 130);
    assert.match(stopped.stderr, /interrupted by SIGINT/);
    assert.equal(await exists(path), false);
    assert.ok(await exists(sidecars(path).part));
    assert.equal(await exists(sidecars(path).lock), false, 'the lock is released on the way out');

    server.setFaults('size_2m_int', {});
    const resumed = await download(server, ['size_2m_int', '-o', path, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(jsonLines(resumed.stdout)[0]?.['resumed'], true);
    assert.match(resumed.stderr, /resuming/);
    assert.equal(await fileSha256(path), await servedSha256(server, 'size_2m_int'));
    assert.deepEqual(filesIn(dir), ['int.mp4']);
    const last = contentRequests(server, 'size_2m_int').at(-1);
    assert.equal(last?.status, 206);
  });

  it('the default name is <id>.mp4 inside --dir, and a --dir that is a file is an output error', async () => {
    const dir = await tempDir();
    const ran = await download(server, ['vid_name', '--dir', dir]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(filesIn(dir), ['vid_name.mp4']);
    const file = join(dir, 'vid_name.mp4');
    const blocked = await download(server, ['vid_name2', '--dir', file]);
    assert.equal(blocked.code, 9, blocked.stderr);
  });
});
