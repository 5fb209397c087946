import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { filesIn, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

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
});
