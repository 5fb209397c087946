import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { removeTempDirs, sidecars, sizeOf, tempDir, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

describe('Ctrl-C with the key in the stored config', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal' });
  });
  after(async () => {
    await server.close();
    await removeTempDirs();
  });

  // Loading the config store loads a file writer that catches SIGINT and raises it again at
  // once: one Ctrl-C must still mean one clean stop, with its message and the lock released.
  it('one SIGINT: exit 130, the message and hint, the lock released, the part kept', async () => {
    const env = cleanEnv();
    assert.equal((await runCli(['config', 'set', 'api-key', 'sk-stored-key-0001'], { env })).code, 0);
    assert.equal((await runCli(['config', 'set', 'base-url', server.baseUrl], { env })).code, 0);
    const id = 'size_2m_stored';
    server.setFaults(id, { throttle: 512 * 1024 });
    const path = join(await tempDir(), 'out.mp4');
    const running = spawnCli(['download', id, '-o', path], { env });
    assert.ok(await waitUntil(() => sizeOf(sidecars(path).part) > 64 * 1024, 10_000), running.stderr());
    running.child.kill('SIGINT');
    const stopped = await running.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /error: interrupted by SIGINT\nhint: Run the same command again: downloads resume from what they kept/);
    assert.equal(existsSync(sidecars(path).lock), false);
    assert.ok(sizeOf(sidecars(path).part) > 0);
  });
});
