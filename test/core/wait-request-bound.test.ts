import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxStatusPolls } from '../../src/core/poll-policy.js';
import { waitForTasks } from '../../src/core/wait.js';
import { FakeVideoClient, type Script } from '../helpers/wait-fake-client.js';
import { FakeTime } from '../helpers/wait-fake-time.js';

const count = 1_000;
const windowMs = 60_000;

/** A task that is running until `doneAt` (virtual time), then completed. */
const completesAt =
  (doneAt: number): Script =>
  (_call, now) =>
    now < doneAt ? { body: { status: 'in_progress', progress: 50 } } : { body: { status: 'completed', progress: 100 } };

/**
 * 1,000 ids completing one after another over 60 s: each id's status polls, counted at the fake
 * client, stay within maxStatusPolls of the time from its first poll to its completion (the
 * bound the scale row of `npm run bench` asserts against the simulator).
 */
async function waitOnBatch(random: () => number, intervalMs?: number): Promise<Array<{ polls: number; bound: number }>> {
  const time = new FakeTime();
  const start = time.now;
  const ids = Array.from({ length: count }, (_, index) => `vid_${index}`);
  const doneAt = new Map(ids.map((id, index) => [id, start + Math.round((windowMs * (index + 1)) / count)]));
  const client = new FakeVideoClient(Object.fromEntries(ids.map((id) => [id, completesAt(doneAt.get(id) ?? 0)])), time.clock);
  const outcomes = await time.run(waitForTasks(ids, { client, now: time.clock, sleep: time.sleep, random, intervalMs }));
  assert.equal(outcomes.filter((outcome) => outcome.exitCode === 0).length, count, 'every id completed');
  const polls = new Map<string, number[]>();
  for (const request of client.requests) polls.set(request.id, [...(polls.get(request.id) ?? []), request.at]);
  return ids.map((id) => {
    const at = polls.get(id) ?? [];
    const first = at[0] ?? start;
    return { polls: at.length, bound: maxStatusPolls(Math.max(0, (doneAt.get(id) ?? 0) - first), { intervalMs }) };
  });
}

describe('the request bound of a wait on many ids (maxStatusPolls)', () => {
  it('holds for every id with the delays as short as the jitter makes them, and is reached', async () => {
    const ids = await waitOnBatch(() => 0.999_999);
    for (const [index, { polls, bound }] of ids.entries()) assert.ok(polls <= bound, `id ${index}: ${polls} polls, bound ${bound}`);
    const reached = ids.filter(({ polls, bound }) => polls === bound).length;
    assert.ok(reached > count / 2, `the bound is tight: ${reached} of ${count} ids reach it`);
  });

  it('holds with no jitter, and the ids polled least still saw their completion on time', async () => {
    const ids = await waitOnBatch(() => 0);
    for (const [index, { polls, bound }] of ids.entries()) assert.ok(polls <= bound, `id ${index}: ${polls} polls, bound ${bound}`);
    assert.ok(ids.every(({ polls }) => polls >= 2), 'every id was polled again after its first poll');
  });

  it('is exact with --interval: the first poll and one per interval until the completion', async () => {
    const ids = await waitOnBatch(() => 0.5, 5_000);
    for (const [index, { polls, bound }] of ids.entries()) assert.equal(polls, bound, `id ${index}`);
    assert.equal(maxStatusPolls(12_000, { intervalMs: 5_000 }), 4);
    assert.equal(maxStatusPolls(0), 1, 'a task that is done at the first poll costs one');
  });
});
