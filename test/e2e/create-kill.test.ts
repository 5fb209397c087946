import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseJournal, type JournalEntry } from '../../src/core/journal.js';
import { mulberry32 } from '../../src/mock/prng.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv } from '../helpers/run-cli.js';

after(removeTempDirs);

const JOBS = 20;
const MIN_KILLS = 10;
const seed = Number(process.env['CREATE_KILL_SEED'] ?? 14);

type Ended = Awaited<ReturnType<typeof spawnCli>['done']>;

/**
 * A 20-job batch in the real binary, killed with SIGKILL at seeded random moments (while it
 * creates, waits, downloads, appends to its journal), then run once more to its end. The
 * simulator runs here, in the test process. Creates take a while to answer (real gateways take a
 * second or more) and files a while to arrive, so that kills land in every phase.
 */
async function killAndRerun(options: { honourIdempotencyKey: boolean; retryUncertain: boolean }) {
  const server = await startMockServer({ profile: 'ideal', key: testKey, generationTimeMs: 1_200, honourIdempotencyKey: options.honourIdempotencyKey });
  server.setFaults('*', { createLatencyMs: 120, throttle: 32 * 1024 });
  const dir = await tempDir();
  const manifest = join(dir, 'jobs.jsonl');
  const out = join(dir, 'out');
  await writeFile(manifest, Array.from({ length: JOBS }, (_, i) => JSON.stringify({ prompt: `shot ${i}`, ...(i % 4 === 0 ? { output: `named/shot-${i}.mp4` } : {}) })).join('\n') + '\n');
  const env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
  const args = ['--json', 'create', '--input', manifest, '--then-download', '--dir', out, '--interval', '200ms', '--create-concurrency', '2', '--concurrency', '2', ...(options.retryUncertain ? ['--retry-uncertain'] : [])];
  const random = mulberry32(seed);
  const killMoments: number[] = [];
  let last: Ended | undefined;
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
  const { entries } = parseJournal(await readFile(`${manifest}.journal`, 'utf8'), manifest);
  const results = (last?.stdout ?? '').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
  return { server, dir, out, entries, results, last: last as Ended, killMoments };
}

const submittedKeys = (steps: readonly JournalEntry[]): string[] => steps.flatMap((entry) => (entry.step === 'submitting' ? [entry.idempotencyKey] : []));
const postsWith = (server: MockServer, key: string) => server.requests.filter((request) => request.method === 'POST' && request.headers['idempotency-key'] === key).length;

/** The last run's downloaded job: its journal ends with `downloaded`, at the path reported, with the bytes the server sent. */
async function checkDownloaded(server: MockServer, dir: string, entries: readonly JournalEntry[], result: Record<string, any>): Promise<void> {
  const key = entries.find((entry) => entry.step === 'created' && entry.taskId === result['taskId'])?.key;
  const final = entries.filter((entry) => entry.key === key).at(-1);
  assert.ok(final?.step === 'downloaded', JSON.stringify(final));
  assert.equal(final.taskId, result['taskId']);
  assert.equal(final.path, result['download']['path']);
  const sha = await fileSha256(final.path);
  assert.equal(sha, await server.payloadOf(final.taskId).sha256(), `${final.path} differs from what the server sent`);
  assert.equal(final.sha256, sha);
  if (result['line'] % 4 === 1) assert.equal(final.path, join(dir, 'named', `shot-${result['line'] - 1}.mp4`));
}

async function checkNoLeftovers(dir: string, out: string): Promise<void> {
  const listed = async (folder: string) => readdir(folder).catch(() => [] as string[]);
  const leftovers = [...(await listed(out)), ...(await listed(join(dir, 'named')))].filter((name) => !name.endsWith('.mp4'));
  assert.deepEqual(leftovers, [], 'no part, state or lock file is left');
}

describe('ezvideo create --then-download, killed with SIGKILL at random moments and run again until done', () => {
  /*
   * The simulator honours Idempotency-Key, as some servers do, so that a create sent again under
   * --retry-uncertain after a kill in its window (sent, answer not yet journaled) makes no second
   * task; the journal is checked to show the client sent no create it had not journaled first,
   * and none again for a job with a task.
   */
  it(`with --retry-uncertain on a server that honours Idempotency-Key: exactly ${JOBS} tasks made, every file as the server sent it, the journal matching the results (seed ${seed})`, async () => {
    const { server, dir, out, entries, results, last, killMoments } = await killAndRerun({ honourIdempotencyKey: true, retryUncertain: true });
    try {
      assert.equal(last.code, 0, last.stderr);
      // The server's count: every job made exactly one task.
      assert.equal(server.creationCount(), JOBS);
      const keys = [...new Set(entries.map((entry) => entry.key))];
      assert.equal(keys.length, JOBS);
      let resent = 0;
      for (const key of keys) {
        const steps = entries.filter((entry) => entry.key === key);
        const submitted = submittedKeys(steps);
        const createdAt = steps.findIndex((entry) => entry.step === 'created');
        assert.ok(createdAt >= 0, `job ${key} never got its task`);
        assert.ok(steps.slice(createdAt).every((entry) => entry.step !== 'submitting'), `job ${key} was submitted again after it had its task`);
        assert.equal(new Set(submitted).size, 1, 'an uncertain create is sent again under its own Idempotency-Key');
        const posts = postsWith(server, submitted[0] as string);
        assert.ok(posts <= submitted.length, `job ${key}: ${posts} creates sent but ${submitted.length} journaled first`);
        resent += submitted.length - 1;
      }
      // The last run's results are the journal's final state, and the files are what the server sent.
      assert.equal(results.length, JOBS);
      for (const result of results) {
        assert.equal(result['outcome'], 'downloaded', JSON.stringify(result));
        await checkDownloaded(server, dir, entries, result);
      }
      await checkNoLeftovers(dir, out);
      console.log(`create-kill: seed ${seed}, ${killMoments.length} kills at ${killMoments.join(', ')} ms, ${server.creationCount()} tasks made, ${resent} uncertain creates sent again, ${server.requests.filter((r) => r.method === 'POST').length} creates received`);
    } finally {
      await server.close();
    }
  });

  /*
   * Without the flag and on a server that ignores Idempotency-Key, nothing hides a second
   * create: the count of tasks is the client's own doing. Each create journaled under a key of
   * its own is sent at most once, and makes at most one task; a job killed in its create's
   * window stays uncertain (exit 10) rather than being created again.
   */
  it(`without --retry-uncertain on a server that ignores Idempotency-Key: one task per key journaled, no key sent twice, every completed job's file as the server sent it (seed ${seed})`, async () => {
    const { server, dir, out, entries, results, last, killMoments } = await killAndRerun({ honourIdempotencyKey: false, retryUncertain: false });
    try {
      assert.ok(last.code === 0 || last.code === 10, `exit ${last.code}: ${last.stderr}`);
      const journaled = submittedKeys(entries);
      assert.equal(new Set(journaled).size, journaled.length, 'every create journaled under a key of its own');
      const posted = server.requests.filter((request) => request.method === 'POST').map((request) => request.headers['idempotency-key'] ?? '');
      assert.deepEqual(posted.filter((key) => !journaled.includes(key)), [], 'no create sent that was not journaled first');
      assert.equal(new Set(posted).size, posted.length, 'no key POSTed twice');
      // A key journaled by a run killed before its request was read made nothing; every other made one task.
      assert.ok(server.creations.every((record) => server.creationCount(record.idempotencyKey) === 1));
      assert.equal(server.creationCount(), new Set(server.creations.map((record) => record.idempotencyKey)).size);
      assert.ok(server.creationCount() <= journaled.length, `${server.creationCount()} tasks for ${journaled.length} keys journaled`);
      for (const key of new Set(entries.map((entry) => entry.key))) {
        const steps = entries.filter((entry) => entry.key === key);
        const createdAt = steps.findIndex((entry) => entry.step === 'created');
        if (createdAt >= 0) assert.ok(steps.slice(createdAt).every((entry) => entry.step !== 'submitting'), `job ${key} was submitted again after it had its task`);
        assert.equal(submittedKeys(steps).length, 1, `job ${key} was sent more than once`);
      }
      assert.equal(results.length, JOBS);
      for (const result of results) {
        assert.ok(result['outcome'] === 'downloaded' || result['outcome'] === 'uncertain', JSON.stringify(result));
        if (result['outcome'] === 'downloaded') await checkDownloaded(server, dir, entries, result);
      }
      await checkNoLeftovers(dir, out);
      const uncertain = results.filter((result) => result['outcome'] === 'uncertain').length;
      console.log(`create-kill (no dedupe): seed ${seed}, ${killMoments.length} kills at ${killMoments.join(', ')} ms, ${server.creationCount()} tasks made for ${journaled.length} keys, ${uncertain} jobs left uncertain`);
    } finally {
      await server.close();
    }
  });
});
