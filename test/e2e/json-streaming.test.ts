import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MockServer, startMockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, servedSha256, tempDir, testKey } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv } from '../helpers/run-cli.js';

after(removeTempDirs);

/**
 * `--json` lines are written as each id ends, not gathered until the last one (a batch of
 * 10,000 ids can run for hours): the built binary, spawned, against a simulator whose tasks end
 * seconds apart. The sha256 in each line's download is that of the file it landed.
 */
describe('wait --then-download --json streams one line per id as it ends', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 5 });
  });
  after(async () => {
    await server.close();
  });

  it('the first line arrives before the last id has even completed, each with the right sha256', async () => {
    // Long enough that a loaded machine still starts, polls and downloads the first id before it.
    const lateMs = 8_000;
    const early = server.createTask({ id: 'size_1m_early', generationTimeMs: 0 });
    const late = server.createTask({ id: 'size_1m_late', generationTimeMs: lateMs });
    const lateCompletesAt = Date.now() + lateMs;
    const dir = await tempDir();
    const cli = spawnCli(['wait', '--then-download', '--json', '--interval', '200ms', '--dir', dir, early, late], {
      env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl }),
    });
    const arrivals: Array<{ at: number; line: string }> = [];
    let pending = '';
    cli.child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) arrivals.push({ at: Date.now(), line });
    });
    const ran = await cli.done;
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(arrivals.length, 2, 'one line per id');
    const [first, second] = arrivals.map(({ at, line }) => ({ at, json: JSON.parse(line) as { id: string; download: { path: string; sha256: string } } }));
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(first.json.id, early);
    assert.ok(first.at < lateCompletesAt, `the first line came ${lateCompletesAt - first.at} ms before the last id completed`);
    assert.equal(second.json.id, late);
    for (const { json } of [first, second]) {
      assert.equal(json.download.sha256, await servedSha256(server, json.id), json.id);
      assert.equal(await fileSha256(json.download.path), json.download.sha256, json.id);
    }
  });
});
