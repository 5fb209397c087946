import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCreateBatch, type JobOutcome } from '../../src/core/create-batch.js';
import type { CreateEvent } from '../../src/core/events.js';
import { downloadVideo } from '../../src/core/download.js';
import { Journal } from '../../src/core/journal.js';
import { createVideo, EzvideoError } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { clientFor, fastRetry, fileSha256, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';

after(removeTempDirs);

const owner = { pid: 99_001, isAlive: () => true };

describe('runCreateBatch (the library engine of create --input)', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'newapi', key: testKey, generationTimeMs: 200, honourIdempotencyKey: true });
  });
  after(() => server.close());

  it('creates, waits and downloads each job, reporting each end; a second run over the journal sends nothing and fetches nothing', async () => {
    const dir = await tempDir();
    const client = clientFor(server);
    const jobs = [
      { line: 1, prompt: 'one' },
      { line: 2, prompt: 'two', remix: server.createTask() },
      { line: 3, prompt: 'three' },
    ];
    const run = async () => {
      const journal = await Journal.open(join(dir, 'journal'), owner);
      const events: CreateEvent[] = [];
      const ends: number[] = [];
      try {
        const outcomes = await runCreateBatch(jobs, {
          client,
          journal,
          createConcurrency: 1,
          retry: fastRetry,
          intervalMs: 50,
          onCreateEvent: (event) => events.push(event),
          onJobEnd: (end: JobOutcome) => ends.push(end.job.line),
          download: async (job, id, task) => ({ exitCode: 0, result: await downloadVideo(id, { client, task, output: { kind: 'file', path: join(dir, `${job.line}.mp4`), renameByType: false } }) }),
        });
        return { outcomes, events, ends };
      } finally {
        await journal.close();
      }
    };
    const first = await run();
    assert.deepEqual(first.outcomes.map((end) => end.outcome), ['downloaded', 'downloaded', 'downloaded']);
    assert.deepEqual([...first.ends].sort(), [1, 2, 3]);
    assert.equal(first.events.filter((event) => event.type === 'create-done' && !event.reused).length, 3);
    for (const end of first.outcomes) assert.equal(await fileSha256(end.download?.result?.path ?? ''), await server.payloadOf(end.taskId ?? '').sha256());
    assert.equal(server.creations.at(-2)?.route, 'remix');

    const requests = server.requests.length;
    const second = await run();
    assert.deepEqual(second.outcomes.map((end) => [end.outcome, end.reused, end.taskId]), first.outcomes.map((end) => ['downloaded', true, end.taskId]));
    assert.equal(server.requests.length, requests, 'not one request: every file is there, whole');
  });

  it('without a journal, wait only: a failed generation is an outcome (exit 6), not a rejection', async () => {
    server.setFaults('*', { failGeneration: { times: 1 } });
    const outcomes = await runCreateBatch([{ line: 1, prompt: 'fails' }, { line: 2, prompt: 'fine' }], { client: clientFor(server), createConcurrency: 1, wait: true, intervalMs: 50 });
    server.setFaults('*', {});
    assert.deepEqual(outcomes.map((end) => [end.outcome, end.exitCode]), [['failed', 6], ['completed', 0]]);
    assert.match(outcomes[0]?.error?.message ?? '', /the generation failed/);
  });

  it('createVideo rejects with code uncertain (exit 10) when the create was sent and never answered', async () => {
    server.setFaults('*', { createTimeout: { times: 1 } });
    const attempt = createVideo({ prompt: 'x' }, { apiKey: testKey, baseUrl: server.baseUrl, timeouts: { headersMs: 300 }, retry: fastRetry });
    await assert.rejects(attempt, (error: unknown) => error instanceof EzvideoError && error.code === 'uncertain' && error.exitCode === 10);
    const task = await createVideo({ prompt: 'x' }, { apiKey: testKey, baseUrl: server.baseUrl });
    assert.match(task.id, /^task_/);
  });
});
