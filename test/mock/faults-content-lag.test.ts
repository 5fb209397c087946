import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import type { MockServer, ProfileName } from '../../src/mock/index.js';
import { json, request } from './http-helpers.js';

/** What each profile's /content says while it lags behind the status call. */
const lagging: Record<ProfileName, { status: number; body: unknown }> = {
  ideal: { status: 404, body: { error: { message: 'Video not found or not ready', code: 'video_not_ready' } } },
  openai: {
    status: 404,
    body: { error: { message: 'Video is not ready yet', type: 'invalid_request_error', param: null, code: 'video_not_ready' } },
  },
  ezmodel: {
    status: 400,
    body: { error: { message: 'Task is not completed yet, current status: NOT_START', type: 'invalid_request_error' } },
  },
  newapi: {
    status: 400,
    body: { error: { code: '', message: 'Task is not completed yet, current status: NOT_START', type: 'invalid_request_error' } },
  },
};

const completedStatus: Record<ProfileName, string> = { ideal: 'completed', openai: 'completed', ezmodel: 'SUCCESS', newapi: 'completed' };

async function withServer(profile: ProfileName, run: (server: MockServer) => Promise<void>): Promise<void> {
  const server = await startMockServer({ profile });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

for (const profile of Object.keys(lagging) as ProfileName[]) {
  test(`${profile}: within the content lag the status says completed while /content answers not ready`, () =>
    withServer(profile, async (server) => {
      server.setFaults('size_1k_lagging', { contentLagMs: 60_000 });
      const status = json(await request(`${server.baseUrl}/v1/videos/size_1k_lagging`));
      assert.equal(status['status'], completedStatus[profile]);
      const content = await request(`${server.baseUrl}/v1/videos/size_1k_lagging/content`);
      assert.equal(content.status, lagging[profile].status);
      assert.deepEqual(json(content), lagging[profile].body);
    }));
}

test('after the lag, /content serves: polled, the not-ready answers come first and then the file', () =>
  withServer('ezmodel', async (server) => {
    server.setFaults('size_2k_catching_up', { contentLagMs: 500 });
    assert.equal(json(await request(`${server.baseUrl}/v1/videos/size_2k_catching_up`))['status'], 'SUCCESS');
    const statuses: number[] = [];
    const deadline = Date.now() + 15_000;
    while (statuses.at(-1) !== 200 && Date.now() < deadline) {
      statuses.push((await request(`${server.baseUrl}/v1/videos/size_2k_catching_up/content`)).status);
      await sleep(50);
    }
    assert.equal(statuses.at(-1), 200, statuses.join(','));
    const firstServed = statuses.indexOf(200);
    assert.ok(statuses.slice(0, firstServed).every((status) => status === 400), statuses.join(','));
  }));

test('the lag is measured from completion, not from creation, the fault or the first request', () =>
  withServer('ideal', async (server) => {
    // Counted from creation, this lag would be over when the task completes.
    const id = server.createTask({ id: 'size_1k_slow', generationTimeMs: 1500 });
    server.setFaults(id, { contentLagMs: 1200 });
    while (json(await request(`${server.baseUrl}/v1/videos/${id}`))['status'] !== 'completed') await sleep(50);
    assert.equal((await request(`${server.baseUrl}/v1/videos/${id}/content`)).status, 404, 'still lagging after completion');

    // Counted from the fault or from the first request, this lag would not be over yet.
    const done = server.createTask({ id: 'size_1k_done_long_ago', generationTimeMs: 0 });
    await sleep(300);
    server.setFaults(done, { contentLagMs: 200 });
    assert.equal((await request(`${server.baseUrl}/v1/videos/${done}/content`)).status, 200, 'lag already over');
  }));

test('the lag holds the newapi capability URL too, but not the CDN (another copy)', async () => {
  await withServer('newapi', async (server) => {
    server.setFaults('size_1k_capability_lag', { contentLagMs: 60_000 });
    const link = server.linkOf('size_1k_capability_lag') ?? '';
    const response = await request(link, { withoutAuth: true });
    assert.equal(response.status, 400);
    assert.deepEqual(json(response), lagging.newapi.body);
  });
  await withServer('ezmodel', async (server) => {
    server.setFaults('size_1k_cdn_lag', { contentLagMs: 60_000 });
    const link = server.linkOf('size_1k_cdn_lag') ?? '';
    assert.equal((await request(link, { withoutAuth: true })).status, 200);
  });
});
