/**
 * Disk full: the write fails mid-download, with a file-size limit (`ulimit -f`: EFBIG, since
 * node ignores SIGXFSZ) everywhere and with a small tmpfs (ENOSPC) where mounting is
 * permitted. Either way: exit 9, a message that says what ran out, nothing at the final path,
 * and the part file kept, so that the same command resumes once there is room and lands the
 * served file.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { contentRequests, exists, fileSha256, filesIn, rangeStart, removeTempDirs, servedSha256, sidecars, sizeOf, tempDir, testKey } from '../helpers/download-sim.js';
import { shellQuote } from '../helpers/download-spawn.js';
import { mountTmpfs } from '../helpers/reliability-mounts.js';
import { binPath, type CliRun, cleanEnv, runCli } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;

describe('disk full: exit 9, a clear message, the part kept; the same command resumes once there is room', () => {
  let server: MockServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey });
    env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
  });
  after(async () => {
    await server.close();
    await removeTempDirs();
  });

  /** `sh -c <command>`, without blocking this process (the simulator runs in it). */
  function runShell(command: string): Promise<Pick<CliRun, 'code' | 'stdout' | 'stderr'>> {
    return new Promise((resolve) => {
      execFile('sh', ['-c', command], { env, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });
  }

  /** The download fails on a full disk, room is made, and the same command finishes it. */
  async function fillThenResume(id: string, path: string, fill: () => Promise<Pick<CliRun, 'code' | 'stdout' | 'stderr'>>, makeRoom: () => void, error: RegExp, hint: RegExp): Promise<void> {
    const full = await fill();
    assert.equal(full.code, 9, full.stderr);
    assert.match(full.stderr, error);
    assert.match(full.stderr, hint);
    assert.equal(full.stderr.split('\n').filter((line) => line.startsWith('error: ')).length, 1, full.stderr);
    assert.equal(full.stdout, '');
    const { part, state, lock } = sidecars(path);
    const kept = sizeOf(part);
    assert.ok(kept > 0 && kept < 2 * MiB, `the part file is kept (${kept} bytes)`);
    assert.equal(await exists(state), true, 'its state too, so that it can be trusted');
    assert.equal(await exists(lock), false, 'the lock is released');
    assert.equal(await exists(path), false, 'nothing at the final path');

    makeRoom();
    const again = await runCli(['download', id, '-o', path, '--progress', 'none'], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await fileSha256(path), await servedSha256(server, id));
    assert.equal(rangeStart(contentRequests(server, id).at(-1) ?? assert.fail('no request')), kept, 'resumed where the disk ran out');
    assert.deepEqual(filesIn(join(path, '..')), ['out.mp4']);
  }

  it('a file-size limit (ulimit -f): EFBIG', async () => {
    const id = 'size_2m_ulimit';
    const path = join(await tempDir(), 'out.mp4');
    // 1000 blocks: 500 KiB in sh's 512-byte blocks, about 1 MiB where a shell counts KiB; not
    // a multiple of the chunks the body arrives in, so the last write is a partial one.
    const command = `ulimit -f 1000; exec ${[process.execPath, binPath, 'download', id, '-o', path, '--progress', 'none'].map(shellQuote).join(' ')}`;
    await fillThenResume(id, path, () => runShell(command), () => {}, /error: size_2m_ulimit: cannot write .*out\.mp4\.part: file too large for this file system or limit\n/, /hint: Free some space or raise the limit/);
  });

  // A write the limit cuts short is counted as it really is: with nothing after it to fail, a
  // short last write once let a half file land (with --no-verify nothing else looks at it).
  it('a file-size limit hit by the last write, with --no-verify: still exit 9, nothing lands', async () => {
    const id = 'size_1m_lastwrite';
    const path = join(await tempDir(), 'out.mp4');
    const command = `ulimit -f 512; exec ${[process.execPath, binPath, 'download', id, '-o', path, '--progress', 'none', '--no-verify'].map(shellQuote).join(' ')}`;
    const run = await runShell(command);
    assert.equal(run.code, 9, run.stderr);
    assert.match(run.stderr, /error: size_1m_lastwrite: cannot write .*: (file too large for this file system or limit|no space left on the device)\n/);
    assert.equal(await exists(path), false, 'nothing at the final path');
  });

  it('a full file system (a 1 MiB tmpfs, where mounting is permitted): ENOSPC', async (context) => {
    const dir = await tempDir();
    const mounted = await mountTmpfs(join(dir, 'small'), '1m');
    if (mounted === undefined) return context.skip('mounting a tmpfs is not permitted here');
    try {
      const id = 'size_2m_tmpfs';
      const path = join(mounted.dir, 'out.mp4');
      const grow = () => assert.equal(spawnSync('mount', ['-o', 'remount,size=4m', 'tmpfs', mounted.dir]).status, 0, 'the tmpfs grows');
      const fill = () => runCli(['download', id, '-o', path, '--progress', 'none'], { env });
      await fillThenResume(id, path, fill, grow, /error: \S+: cannot write .*out\.mp4\.part: no space left on the device\n/, /hint: Free some space and run the same command again: it resumes/);
    } finally {
      await mounted.release();
    }
  });
});
