import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseJournal } from '../../src/core/journal.js';
import { mulberry32 } from '../../src/mock/prng.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv } from '../helpers/run-cli.js';

after(removeTempDirs);

const JOBS = 20;
const MIN_KILLS = 10;
const seed = Number(process.env['CREATE_KILL_SEED'] ?? 14);

/**
 * A 20-job batch in the real binary, killed with SIGKILL at seeded random moments (while it
 * creates, waits, downloads, appends to its journal), run again each time until it ends. The
 * simulator runs here, in the test process, and honours Idempotency-Key as some servers do, so
 * that a create sent again under --retry-uncertain after a kill in its window (sent, answer not
 * yet journaled) makes no second task; the journal is checked to show the client sent no create
 * it had not journaled first, and none again for a job with a task.
 */
describe('ezvideo create --then-download, killed with SIGKILL at random moments and run again until done', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, generationTimeMs: 1_200, honourIdempotencyKey: true });
    // Creates take a while to answer (real gateways take a second or more) and files a while to
    // arrive, so that kills land in every phase.
    server.setFaults('*', { createLatencyMs: 120, throttle: 32 * 1024 });
  });
  after(() => server.close());

  it(`exactly ${JOBS} tasks made, every file as the server sent it, the journal matching the results (seed ${seed})`, async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    const out = join(dir, 'out');
    await writeFile(manifest, Array.from({ length: JOBS }, (_, i) => JSON.stringify({ prompt: `shot ${i}`, ...(i % 4 === 0 ? { output: `named/shot-${i}.mp4` } : {}) })).join('\n') + '\n');
    const env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
    const args = ['--json', 'create', '--input', manifest, '--then-download', '--dir', out, '--interval', '200ms', '--retry-uncertain', '--create-concurrency', '2', '--concurrency', '2'];
    const random = mulberry32(seed);
    const killMoments: number[] = [];
    let last: Awaited<ReturnType<typeof spawnCli>['done']> | undefined;
    for (let run = 0; run < 60; run += 1) {
      const running = spawnCli(args, { env, cwd: dir, timeoutMs: 60_000 });
      if (killMoments.length < MIN_KILLS) {
        const at = Math.round(200 + random() * 1_400);
        const timer = setTimeout(() => running.child.kill('SIGKILL'), at);
        const ended = await running.done;
        clearTimeout(timer);
        if (ended.signal === 'SIGKILL') {
          killMoments.push(at);
          continue;
        }
        last = ended;
      } else {
        last = await running.done;
      }
      assert.equal(last.signal, null, last.stderr);
      if (killMoments.length >= MIN_KILLS) break;
    }
    assert.ok(killMoments.length >= MIN_KILLS, `only ${killMoments.length} kills`);
    assert.equal(last?.code, 0, last?.stderr);

    // The server's count: every job made exactly one task.
    assert.equal(server.creationCount(), JOBS);

    const { entries } = parseJournal(await readFile(`${manifest}.journal`, 'utf8'), manifest);
    const keys = [...new Set(entries.map((entry) => entry.key))];
    assert.equal(keys.length, JOBS);
    let resent = 0;
    for (const key of keys) {
      const steps = entries.filter((entry) => entry.key === key);
      const submitted = steps.filter((entry) => entry.step === 'submitting').map((entry) => (entry.step === 'submitting' ? entry.idempotencyKey : ''));
      const createdAt = steps.findIndex((entry) => entry.step === 'created');
      assert.ok(createdAt >= 0, `job ${key} never got its task`);
      assert.ok(steps.slice(createdAt).every((entry) => entry.step !== 'submitting'), `job ${key} was submitted again after it had its task`);
      assert.equal(new Set(submitted).size, 1, 'an uncertain create is sent again under its own Idempotency-Key');
      const posts = server.requests.filter((request) => request.method === 'POST' && request.headers['idempotency-key'] === submitted[0]).length;
      assert.ok(posts <= submitted.length, `job ${key}: ${posts} creates sent but ${submitted.length} journaled first`);
      resent += submitted.length - 1;
    }

    // The last run's results are the journal's final state, and the files are what the server sent.
    const results = (last?.stdout ?? '').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    assert.equal(results.length, JOBS);
    for (const result of results) {
      assert.equal(result['outcome'], 'downloaded', JSON.stringify(result));
      const key = entries.find((entry) => entry.step === 'created' && entry.taskId === result['taskId'])?.key;
      const final = entries.filter((entry) => entry.key === key).at(-1);
      assert.equal(final?.step, 'downloaded');
      assert.ok(final?.step === 'downloaded');
      assert.equal(final.taskId, result['taskId']);
      assert.equal(final.path, result['download']['path']);
      const sha = await fileSha256(final.path);
      assert.equal(sha, await server.payloadOf(final.taskId).sha256(), `${final.path} differs from what the server sent`);
      assert.equal(final.sha256, sha);
      if (result['line'] % 4 === 1) assert.equal(final.path, join(dir, 'named', `shot-${result['line'] - 1}.mp4`));
    }
    const leftovers = [...(await readdir(out)), ...(await readdir(join(dir, 'named')))].filter((name) => !name.endsWith('.mp4'));
    assert.deepEqual(leftovers, [], 'no part, state or lock file is left');
    console.log(`create-kill: seed ${seed}, ${killMoments.length} kills at ${killMoments.join(', ')} ms, ${server.creationCount()} tasks made, ${resent} uncertain creates sent again, ${server.requests.filter((r) => r.method === 'POST').length} creates received`);
  });
});
