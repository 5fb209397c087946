import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { contentRequests, fileSha256, rangeStart, removeTempDirs, servedSha256, sidecars, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

const KiB = 1024;

after(removeTempDirs);

/** A direct download in the real binary, killed with SIGKILL, then the default command again. */
describe('kill -9 during a direct download (spawned binary, ezmodel profile)', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ezmodel', key: testKey, seed: 21 });
  });
  after(async () => {
    await server.close();
  });
  const env = () => cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });

  it('the re-run goes on from the CDN where the part file stops, and lands the identical file', async () => {
    const id = 'size_2m_directkill';
    const path = join(await tempDir(), 'video.mp4');
    const { part, state, lock } = sidecars(path);
    server.setFaults(id, { throttle: 256 * KiB });
    const running = spawnCli(['download', id, '-o', path, '--source', 'direct'], { env: env() });
    const started = await waitUntil(() => existsSync(part) && statSync(part).size > 300 * KiB, 15_000);
    assert.ok(started, running.stderr());
    running.child.kill('SIGKILL');
    assert.equal((await running.done).signal, 'SIGKILL');
    const kept = statSync(part).size;

    server.setFaults(id, {});
    const cdnBefore = server.secondOrigin.requests.length;
    // The default source (auto): the partial file came from the link, so the link goes on.
    const again = await runCli(['download', id, '-o', path, '--json'], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as Record<string, unknown>;
    assert.deepEqual([result['resumed'], result['source']], [true, 'direct']);
    assert.equal(result['sha256'], await servedSha256(server, id));
    assert.equal(await fileSha256(path), result['sha256']);
    const resumed = server.secondOrigin.requests.slice(cdnBefore).filter((request) => request.taskId === id);
    assert.ok(resumed.length >= 1);
    assert.equal(rangeStart(resumed[0] ?? assert.fail()), kept, 'resumed where the killed run stopped');
    assert.ok(resumed.every((request) => request.headers['authorization'] === undefined), 'the CDN never saw the key');
    assert.equal(contentRequests(server, id).length, 0, "the gateway's /content was never asked");
    for (const sidecar of [part, state, lock]) assert.equal(existsSync(sidecar), false, `${sidecar} left behind`);
  });
});
