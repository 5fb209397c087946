/**
 * A plain `download` whose `/content` refuses (not ready, not found) asks the status once to
 * say what is true, on every profile: failed or cancelled -> 6 with the server's reason, still
 * running -> 5 with the command that waits (never the command just run), unknown -> 4.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { allProfiles, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { createMemoryIO } from '../helpers/memory-io.js';

after(removeTempDirs);

async function download(server: MockServer, id: string): Promise<{ code: number; stderr: string; errors: string[]; hints: string[] }> {
  const memory = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' } });
  const dir = await tempDir();
  const code = await run(['download', id, '--dir', dir, '--retries', '0', '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
  const stderr = memory.stderr.text();
  const lines = stderr.split('\n');
  return { code, stderr, errors: lines.filter((line) => line.startsWith('error: ')), hints: lines.filter((line) => line.startsWith('hint: ')) };
}

for (const profile of allProfiles) {
  describe(`download of a task that cannot be downloaded, ${profile} profile`, () => {
    let server: MockServer;
    before(async () => {
      server = await startMockServer({ profile, key: testKey });
    });
    after(() => server.close());

    it('failed: exit 6 with the server\'s reason', async () => {
      const ran = await download(server, 'fail_truth');
      assert.equal(ran.code, 6, ran.stderr);
      assert.equal(ran.errors.length, 1, ran.stderr);
      assert.match(ran.errors[0] ?? '', /fail_truth: the generation failed: Video generation failed \(simulated\)/);
      assert.doesNotMatch(ran.stderr, /wait/i, 'no hint to wait for a task that has ended');
      const statusCalls = server.requests.filter((request) => request.taskId === 'fail_truth' && !request.path.endsWith('/content'));
      assert.equal(statusCalls.length, 1, 'the status is asked once');
    });

    it('cancelled: exit 6', async () => {
      const ran = await download(server, 'cancel_truth');
      assert.equal(ran.code, 6, ran.stderr);
      // OpenAI has no cancelled status: a cancelled task reads as failed there.
      assert.match(ran.errors[0] ?? '', /cancel_truth: the generation (failed|was cancelled): Video generation was cancelled \(simulated\)/);
    });

    it('still running: exit 5, with the commands that wait', async () => {
      const ran = await download(server, 'never_truth');
      assert.equal(ran.code, 5, ran.stderr);
      assert.match(ran.errors[0] ?? '', /never_truth: the video is not ready yet \(in_progress/);
      assert.equal(ran.hints.length, 1, ran.stderr);
      assert.match(ran.hints[0] ?? '', /`ezvideo download --wait never_truth` downloads it once it is done/);
    });

    it('an id the server does not know: exit 4', async () => {
      const ran = await download(server, 'nope_truth');
      assert.equal(ran.code, 4, ran.stderr);
      assert.equal(ran.errors.length, 1, ran.stderr);
    });
  });
}
