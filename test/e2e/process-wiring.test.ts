import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { filesIn, removeTempDirs, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { shellQuote, spawnCli } from '../helpers/download-spawn.js';
import { binPath, cleanEnv, repoRoot, runCli } from '../helpers/run-cli.js';

/** Runs a bash command line, for a real pipe between two processes. */
function runShell(command: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { env, cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(error);
      else resolve({ stdout, stderr });
    });
  });
}

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

  it('-o - into a reader that closes early (`| head -c 100`): exit 0 and no error, for a large file and a small one alike', async () => {
    for (const id of ['size_8m_epipe', 'vid_small_epipe']) {
      // A real shell pipe: the exit status of ezvideo itself, what `set -o pipefail` would see.
      const command = `${shellQuote(process.execPath)} ${shellQuote(binPath)} download ${id} -o - | head -c 100 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`;
      const ran = await runShell(command, env());
      assert.match(ran.stdout, /^exit=0$/m, `${id}: ${ran.stderr}`);
      assert.doesNotMatch(ran.stderr, /error:|EPIPE|\n\s+at /, `${id}: no error, no stack`);
    }
  });

  it('--json into a reader that closes after one line: the other lines are dropped, every file lands, the exit code is the command\'s', async () => {
    const dir = await tempDir();
    const command = `${shellQuote(process.execPath)} ${shellQuote(binPath)} -q download vid_j1 size_2m_j2 size_8m_j3 --dir ${shellQuote(dir)} --json | head -1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const ran = await runShell(command, env());
    assert.match(ran.stdout, /^exit=0$/m, ran.stderr);
    assert.deepEqual(filesIn(dir), ['size_2m_j2.mp4', 'size_8m_j3.mp4', 'vid_j1.mp4']);
    const failing = await runShell(`${shellQuote(process.execPath)} ${shellQuote(binPath)} -q download vid_j4 nope_j5 --dir ${shellQuote(dir)} --json | head -1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`, env());
    assert.match(failing.stdout, /^exit=4$/m, 'a failing id still fails the run');
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
