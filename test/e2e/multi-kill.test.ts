import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rangesStatePath, readRangesState } from '../../src/core/part-state.js';
import { type MockServer, startMockServer } from '../../src/mock/index.js';
import { contentRequests, fileSha256, removeTempDirs, servedSha256, sidecars, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;

after(removeTempDirs);

/** `--connections 4` in the real binary, killed with SIGKILL mid-download and run again. */
describe('ezvideo download --connections 4 (spawned binary)', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 13 });
  });
  after(async () => {
    await server.close();
  });
  const env = () => cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });

  it('kill -9 mid-download, then the same command: every range resumes from its recorded progress, identical file', async () => {
    const id = 'size_8m_kill9';
    const path = join(await tempDir(), 'video.mp4');
    const { part, state, lock } = sidecars(path);
    const rangesPath = rangesStatePath(part);
    server.setFaults(id, { throttle: 1 * MiB });
    const running = spawnCli(['download', id, '-o', path, '--connections', '4'], { env: env() });
    // The ranges state is rewritten about once a second: wait until it records progress.
    const recorded = await waitUntil(() => existsSync(rangesPath) && contentRequests(server, id).length === 4, 10_000);
    assert.ok(recorded, running.stderr());
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    running.child.kill('SIGKILL');
    assert.equal((await running.done).signal, 'SIGKILL');
    const saved = await readRangesState(rangesPath);
    assert.ok(typeof saved === 'object', `the ranges state survives: ${String(saved)}`);
    assert.equal(saved.ranges.length, 4);
    assert.ok(saved.ranges.some((range) => range.done > 0), JSON.stringify(saved.ranges));

    server.setFaults(id, {});
    const before = contentRequests(server, id).length;
    const again = await runCli(['download', id, '-o', path, '--connections', '4', '--json'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as Record<string, unknown>;
    assert.equal(result['resumed'], true);
    assert.equal(result['sha256'], await servedSha256(server, id));
    assert.equal(await fileSha256(path), result['sha256']);
    const resumed = contentRequests(server, id).slice(before).map((request) => [request.range, request.status]).sort();
    // At least what was recorded is kept (the killed run may have written a little more since).
    assert.deepEqual(
      resumed.map(([range]) => range),
      saved.ranges.filter((range) => range.start + range.done < range.end).map((range) => `bytes=${range.start + range.done}-${range.end - 1}`).sort(),
    );
    assert.ok(resumed.every(([, status]) => status === 206));
    for (const sidecar of [part, state, lock, rangesPath]) assert.equal(existsSync(sidecar), false, `${sidecar} left behind`);
  });

  it('--connections is checked like the other counts', async () => {
    const ran = await runCli(['download', 'size_1m_x', '--connections', '0'], { env: env() });
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /--connections/);
  });
});
