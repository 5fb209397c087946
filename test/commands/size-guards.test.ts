import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { createContext } from '../../src/commands/context.js';
import { makeIdDownloader } from '../../src/commands/deliver.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { contentRequests, filesIn, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { createMemoryIO } from '../helpers/memory-io.js';

/** `ezvideo <args>` in this process against the simulator. */
async function ezvideo(server: MockServer, args: string[]): Promise<{ code: number; stderr: string }> {
  const memory = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' } });
  const code = await run([...args, '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
  return { code, stderr: memory.stderr.text() };
}

describe('ezvideo download --max-filesize, --min-filesize, --limit-rate', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 15 });
  });
  after(async () => {
    await server.close();
    await removeTempDirs();
  });

  it('a file over --max-filesize: exit 9, one line naming the id, the size and the limit, one request, nothing in the folder', async () => {
    const dir = await tempDir();
    const ran = await ezvideo(server, ['download', 'size_2m_cli_max', '--dir', dir, '--max-filesize', '1.5MiB']);
    assert.equal(ran.code, 9, ran.stderr);
    assert.match(ran.stderr, /size_2m_cli_max: the file is 2\.0 MiB \(2097152 bytes\), more than --max-filesize 1\.5 MiB/);
    assert.match(ran.stderr, /Raise --max-filesize/);
    assert.equal(contentRequests(server, 'size_2m_cli_max').length, 1);
    assert.deepEqual(filesIn(dir), []);
  });

  it('an error page served as the video, under --min-filesize: exit 9, nothing in the folder', async () => {
    server.setFaults('vid_cli_error_page', { errorAsVideo: { chunked: true } });
    const dir = await tempDir();
    const ran = await ezvideo(server, ['download', 'vid_cli_error_page', '--dir', dir, '--min-filesize', '10k']);
    assert.equal(ran.code, 9, ran.stderr);
    assert.match(ran.stderr, /vid_cli_error_page: the server sent \d+ bytes, less than --min-filesize 10\.0 KiB/);
    assert.equal(contentRequests(server, 'vid_cli_error_page').length, 1);
    assert.deepEqual(filesIn(dir), []);
  });

  it('--limit-rate is one limit for the run: 2 ids x 128 KiB at 1 MiB/s, downloaded at once, take at least 200 ms', async () => {
    const dir = await tempDir();
    const started = performance.now();
    const ran = await ezvideo(server, ['download', 'size_128k_cli_paced_a', 'size_128k_cli_paced_b', '--dir', dir, '--concurrency', '2', '--limit-rate', '1M']);
    const elapsedMs = performance.now() - started;
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(filesIn(dir), ['size_128k_cli_paced_a.mp4', 'size_128k_cli_paced_b.mp4']);
    // A lower bound only (a loaded machine is slower, never faster); a limit per id would take 125 ms.
    assert.ok(elapsedMs >= 200, `${elapsedMs.toFixed(0)} ms`);
  });

  it('downloaders made for one command (create makes one per output) share its one rate limit', async () => {
    const dir = await tempDir();
    const memory = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test', EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl } });
    const context = await createContext({ json: false, quiet: true, verbose: false, progress: 'none', color: false }, memory.io);
    const flags = { dir, force: false, skipExisting: false, concurrency: 2, retries: 0, verify: true, writeInfoJson: false, limitRate: 1024 * 1024 };
    try {
      const started = performance.now();
      const outcomes = await Promise.all(['size_128k_ctx_a', 'size_128k_ctx_b'].map((id) => makeIdDownloader(flags, context, () => {})(id)));
      const elapsedMs = performance.now() - started;
      assert.deepEqual(outcomes.map((outcome) => outcome.exitCode), [0, 0]);
      // A lower bound only; a bucket per downloader would let both finish in 125 ms.
      assert.ok(elapsedMs >= 200, `${elapsedMs.toFixed(0)} ms`);
    } finally {
      await context.close();
    }
  });

  it('--min-filesize above --max-filesize is a usage error (exit 2), before any request', async () => {
    const ran = await ezvideo(server, ['download', 'size_1k_cli_both', '--min-filesize', '2k', '--max-filesize', '1k']);
    assert.equal(ran.code, 2, ran.stderr);
    assert.match(ran.stderr, /--min-filesize \(2\.0 KiB\) is more than --max-filesize \(1\.0 KiB\)/);
    assert.equal(contentRequests(server, 'size_1k_cli_both').length, 0);
  });

  it('bad values are usage errors naming the flag', async () => {
    for (const args of [['--limit-rate', '0'], ['--limit-rate', 'fast'], ['--max-filesize', '1.5'], ['--min-filesize', '-1k']]) {
      const ran = await ezvideo(server, ['download', 'size_1k_cli_bad', ...args]);
      assert.equal(ran.code, 2, `${args.join(' ')}: ${ran.stderr}`);
      assert.match(ran.stderr, new RegExp(args[0] ?? ''), args.join(' '));
    }
  });

  it('wait without --then-download refuses them as download flags', async () => {
    for (const args of [['--limit-rate', '1M'], ['--max-filesize', '1g'], ['--min-filesize', '1k']]) {
      const ran = await ezvideo(server, ['wait', 'vid_cli_wait', ...args]);
      assert.equal(ran.code, 2, ran.stderr);
      assert.match(ran.stderr, new RegExp(`${args[0]} is a download flag`));
    }
  });
});
