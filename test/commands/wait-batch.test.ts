import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runWaitCommand, statusCalls } from '../helpers/wait-command.js';

const GENERATION_MS = 300;
const INTERVAL_MS = 100;
const TIMEOUT_MS = 2500;

/** What each kind of seeded id must end with. */
const kinds = [
  { prefix: 'task_vid_b', count: 18, exitCode: 0 },
  { prefix: 'task_size_150k_b', count: 18, exitCode: 0 },
  { prefix: 'task_fail_b', count: 8, exitCode: 6 },
  { prefix: 'task_cancel_b', count: 4, exitCode: 6 },
  { prefix: 'task_nope_b', count: 4, exitCode: 4 },
  { prefix: 'task_expired_b', count: 4, exitCode: 7 },
  { prefix: 'task_never_b', count: 4, exitCode: 5 },
] as const;

/** The kinds interleaved (round robin), so completions, failures and timeouts are mixed in the input. */
function batchIds(): Array<{ id: string; prefix: string; exitCode: number }> {
  const ids: Array<{ id: string; prefix: string; exitCode: number }> = [];
  for (let i = 0; ids.length < kinds.reduce((sum, kind) => sum + kind.count, 0); i++) {
    for (const kind of kinds) if (i < kind.count) ids.push({ id: `${kind.prefix}${i}`, prefix: kind.prefix, exitCode: kind.exitCode });
  }
  return ids;
}

describe('ezvideo wait --then-download: a batch of 60 ids on the gateway profile', () => {
  let server: MockServer;
  let dir: string;
  before(async () => {
    server = await startMockServer({ profile: 'ezmodel', generationTimeMs: GENERATION_MS });
    // Slow enough that downloads overlap (~0.3 s each), so the --concurrency bound is tested.
    server.setFaults('task_size_*', { throttle: 500_000 });
    dir = await mkdtemp(join(tmpdir(), 'ezvideo-wait-batch-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads and verifies every completed id, reports every other with its own code, bounds the polling', async () => {
    const ids = batchIds();
    assert.ok(ids.length >= 50);
    const result = await runWaitCommand(
      server,
      ids.map((entry) => entry.id),
      { flags: { thenDownload: true, concurrency: 4, dir, interval: INTERVAL_MS, timeout: TIMEOUT_MS }, options: { json: true, progress: 'none' } },
    );

    // The exit code is that of the first failing id in input order.
    const firstFailure = ids.find((entry) => entry.exitCode !== 0);
    assert.equal(result.code, firstFailure?.exitCode);

    // One line per id, each with its own code.
    assert.equal(result.lines.length, ids.length);
    const byId = new Map(result.lines.map((line) => [String(line['id']), line]));
    for (const entry of ids) assert.equal(byId.get(entry.id)?.['exitCode'], entry.exitCode, `${entry.id}: ${JSON.stringify(byId.get(entry.id))}`);

    // Every completed id: downloaded whole, verified, and its bytes are the server's.
    const completed = ids.filter((entry) => entry.exitCode === 0);
    for (const { id } of completed) {
      const line = byId.get(id);
      const download = line?.['download'] as Record<string, unknown> | undefined;
      assert.ok(download, `${id} was downloaded`);
      assert.equal(download['verified'], 'ok');
      assert.equal(download['path'], join(dir, `${id}.mp4`));
      const bytes = await readFile(join(dir, `${id}.mp4`));
      const expected = await server.payloadOf(id).sha256();
      assert.equal(createHash('sha256').update(bytes).digest('hex'), expected, `${id} bytes`);
      assert.equal(download['sha256'], expected);
      assert.equal(line?.['status'], 'completed');
    }
    for (const entry of ids.filter((e) => e.exitCode !== 0)) assert.equal(byId.get(entry.id)?.['download'], undefined);

    // At most --concurrency downloads at a time.
    const transfers = server.requests.filter((request) => request.path.endsWith('/content'));
    assert.equal(transfers.length, completed.length, 'one content request per completed id');
    const most = Math.max(...transfers.map((t) => transfers.filter((u) => u.startedAt <= t.startedAt && (u.endedAt ?? Infinity) > t.startedAt).length));
    assert.ok(most <= 4, `${most} downloads at once`);

    // Status requests, bounded by the policy: the first polls are spread over
    // max(interval, ids × minStartGap); each finishing task is then polled every interval
    // until it ends (generation time), one that never ends until the timeout, and an unknown
    // id exactly once (not found is final).
    const perFinishing = Math.ceil(GENERATION_MS / INTERVAL_MS) + 2;
    const perNever = Math.ceil(TIMEOUT_MS / INTERVAL_MS) + 1;
    let bound = 0;
    for (const entry of ids) {
      const calls = statusCalls(server, entry.id);
      const limit = entry.exitCode === 4 ? 1 : entry.exitCode === 5 ? perNever : perFinishing;
      assert.ok(calls <= limit, `${entry.id}: ${calls} status calls > ${limit}`);
      bound += limit;
    }
    const total = statusCalls(server);
    assert.ok(total <= bound, `${total} status calls > ${bound}`);

    // And not in bursts: no more than 50 first polls per second.
    const firstPolls = ids
      .map((entry) => server.requests.find((request) => request.taskId === entry.id)?.startedAt ?? NaN)
      .sort((a, b) => a - b);
    const spread = (firstPolls.at(-1) ?? 0) - (firstPolls[0] ?? 0);
    assert.ok(spread >= ((ids.length - 1) * 1000) / 50 - 50, `first polls spread over ${spread} ms only`);
  });
});
