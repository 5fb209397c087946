import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { filesIn, removeTempDirs, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, repoRoot, runCli } from '../helpers/run-cli.js';

/** What `main` wires to `process` (listeners on the shared signal, stdout errors), seen from outside. */
describe('the binary and its process', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 13 });
  });
  after(async () => {
    await server.close();
    await removeTempDirs();
  });
  const env = () => cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });

  it('16 ids at once, 2 connections each: no MaxListenersExceededWarning on stderr', async () => {
    const dir = await tempDir();
    const ids = Array.from({ length: 16 }, (_, index) => `size_2m_listeners${index}`);
    const ran = await runCli(['download', ...ids, '--concurrency', '16', '--connections', '2', '--dir', dir], { env: env() });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(filesIn(dir).length, 16);
    assert.doesNotMatch(ran.stderr, /MaxListenersExceededWarning/);
  });

  it('-o - whose reader goes away mid-file (EPIPE): exit 9, one line on stderr, no stack', async () => {
    const running = spawnCli(['download', 'size_8m_epipe', '-o', '-'], { env: env() });
    running.child.stdout.once('data', () => running.child.stdout.destroy());
    const ran = await running.done;
    assert.equal(ran.code, 9, ran.stderr);
    assert.match(ran.stderr, /^error: stdout was closed by the reader \(EPIPE\)$/m);
    assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack');
  });

  it('--json output larger than a pipe holds, to a reader that lags: every line arrives before the exit', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.mp4');
    await copyFile(join(repoRoot, 'assets', 'sample-video.mp4'), file);
    const count = 1500;
    // The missing file last: its summary on stderr comes after every stdout line was written.
    const args = ['verify', '--json', ...Array.from({ length: count }, () => file), join(dir, 'missing.mp4')];
    const running = spawnCli(args, { env: cleanEnv() });
    // The reader takes nothing meanwhile: what did not fit in the pipe is queued in the process.
    running.child.stdout.pause();
    assert.ok(await waitUntil(() => /failed verification/.test(running.stderr()), 30_000), running.stderr());
    // Time enough for a process that does not wait for its queued output to be gone already.
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.stdout.resume();
    const ran = await running.done;
    assert.equal(ran.code, 9, ran.stderr);
    const results = ran.stdout.trim().split('\n').map((line) => JSON.parse(line) as { ok: boolean });
    assert.equal(results.length, count + 1);
    assert.equal(results.filter((result) => result.ok).length, count);
  });
});
