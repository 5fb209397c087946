import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVideo } from '../../src/api/parse-video.js';
import type { WaitEvent } from '../../src/core/events.js';
import { defaultPollPolicy } from '../../src/core/poll-policy.js';
import { waitForTasks, type WaitOptions, type WaitOutcome } from '../../src/core/wait.js';
import { EzvideoError, interruptionError } from '../../src/errors.js';
import { always, completesAfter, FakeVideoClient, type Script } from '../helpers/wait-fake-client.js';
import { FakeTime } from '../helpers/wait-fake-time.js';

interface Run {
  outcomes: WaitOutcome[];
  events: WaitEvent[];
  ended: WaitOutcome[];
  client: FakeVideoClient;
  time: FakeTime;
  startedAt: number;
}

async function run(scripts: Record<string, Script>, options: Partial<WaitOptions> = {}, ids = Object.keys(scripts)): Promise<Run> {
  const time = new FakeTime();
  const startedAt = time.now;
  const client = new FakeVideoClient(scripts, time.clock);
  const events: WaitEvent[] = [];
  const ended: WaitOutcome[] = [];
  const outcomes = await time.run(
    waitForTasks(ids, {
      client,
      now: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
      onEvent: (event) => events.push(event),
      onOutcome: (outcome) => ended.push(outcome),
      ...options,
    }),
  );
  assert.equal(time.pending, 0, 'no timer is left behind');
  return { outcomes, events, ended, client, time, startedAt };
}

function only(result: Run): WaitOutcome {
  assert.equal(result.outcomes.length, 1);
  const [outcome] = result.outcomes;
  assert.ok(outcome);
  return outcome;
}

const failedBody = { status: 'failed', progress: 100, error: { message: 'Content policy violation', code: 'moderation' } };

describe('waitForTasks: outcomes', () => {
  it('completed after N polls: exit 0, the last video object, a status event per poll and one done event', async () => {
    const result = await run({ vid_a: completesAfter(3) });
    const outcome = only(result);
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.message, undefined);
    assert.equal(outcome.task?.status, 'completed');
    assert.equal(outcome.task?.model, 'sora-2');
    assert.equal(result.client.requests.length, 4);
    assert.deepEqual(
      result.events.map((event) => event.type),
      ['wait-start', 'wait-status', 'wait-status', 'wait-status', 'wait-status', 'wait-done'],
    );
    assert.deepEqual(result.events.at(-1), { type: 'wait-done', id: 'vid_a', status: 'completed', exitCode: 0, message: undefined });
    assert.deepEqual(result.ended, result.outcomes);
  });

  it('polls on the default schedule: at once, then 2 s, 3 s, 4.5 s apart (less jitter)', async () => {
    const result = await run({ vid_a: completesAfter(3) }, { random: () => 0 });
    const times = result.client.callsOf('vid_a').map((at) => at - result.startedAt);
    assert.deepEqual(times, [0, 2000, 5000, 9500]);
  });

  it('failed: exit 6 with the server message', async () => {
    const outcome = only(await run({ fail_a: completesAfter(2, failedBody) }));
    assert.equal(outcome.exitCode, 6);
    assert.equal(outcome.message, 'the generation failed: Content policy violation');
    assert.equal(outcome.code, 'generation_failed');
    assert.equal(outcome.task?.status, 'failed');
  });

  it('cancelled (either spelling): exit 6, with a message even when the server gave none', async () => {
    const result = await run({
      a: always({ body: { status: 'cancelled' } }),
      b: always({ body: { status: 'canceled', error: 'cancelled by user' } }),
    });
    assert.deepEqual(
      result.outcomes.map((outcome) => [outcome.exitCode, outcome.task?.status, outcome.message]),
      [
        [6, 'cancelled', 'the generation was cancelled: the server gave no reason'],
        [6, 'cancelled', 'the generation was cancelled: cancelled by user'],
      ],
    );
  });

  it('404: exit 4 at once, without retrying', async () => {
    const result = await run({ vid_x: always({ status: 404, body: '{"error":{"message":"Video not found","code":"video_not_found"}}' }) });
    const outcome = only(result);
    assert.equal(outcome.exitCode, 4);
    assert.match(outcome.message ?? '', /^status: video not found \(HTTP 404 video_not_found\)/);
    assert.equal(outcome.code, 'not_found');
    assert.ok(outcome.hint);
    assert.equal(outcome.task, undefined);
    assert.equal(result.client.requests.length, 1);
    assert.deepEqual(result.events, [
      { type: 'wait-start', ids: ['vid_x'] },
      { type: 'wait-done', id: 'vid_x', status: 'unknown', exitCode: 4, message: outcome.message },
    ]);
  });

  it("the gateway's flat task_not_exist on 400: exit 4", async () => {
    const outcome = only(await run({ task_x: always({ status: 400, body: '{"code":"task_not_exist","message":"task_not_exist","data":null}' }) }));
    assert.equal(outcome.exitCode, 4);
  });

  it('not found after some answers keeps the last status it saw', async () => {
    const script: Script = (call) => (call < 2 ? { body: { status: 'queued' } } : { status: 404 });
    const outcome = only(await run({ vid_gone: script }));
    assert.equal(outcome.exitCode, 4);
    assert.equal(outcome.task?.status, 'queued');
  });

  it('expired: 410 is exit 7, and so is a completed task whose expires_at has passed', async () => {
    const time = new FakeTime();
    const past = Math.floor(time.now / 1000) - 60;
    const future = Math.floor(time.now / 1000) + 3600;
    const result = await run({
      gone: always({ status: 410, body: '{"error":{"message":"gone","code":"video_expired"}}' }),
      stale: always({ body: { status: 'completed', expires_at: past } }),
      fresh: always({ body: { status: 'completed', expires_at: future } }),
    });
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.exitCode),
      [7, 7, 0],
    );
    assert.match(result.outcomes[1]?.message ?? '', /^the video expired at \d{4}-/);
  });

  it('401 and 403: exit 3 at once', async () => {
    const result = await run({
      a: always({ status: 401, body: '{"error":{"message":"无效的令牌","type":"new_api_error","code":""}}' }),
      b: always({ status: 403 }),
    });
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.exitCode),
      [3, 3],
    );
    assert.equal(result.client.requests.length, 2);
  });

  it('a non-transient server error ends that task with exit 8 and leaves the others alone', async () => {
    const result = await run({ bad: always({ status: 400, body: '{"error":{"message":"bad request"}}' }), good: completesAfter(2) });
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.exitCode),
      [8, 0],
    );
  });

  it('unknown status words keep the wait going and are reported as they came', async () => {
    const script: Script = (call) => (call < 3 ? { body: { status: 'RENDERING', progress: '30%' } } : { body: { status: 'SUCCESS', progress: '100%' } });
    const result = await run({ task_u: script });
    assert.equal(only(result).exitCode, 0);
    const statuses = result.events.filter((event) => event.type === 'wait-status');
    assert.deepEqual(statuses[0], { type: 'wait-status', id: 'task_u', status: 'unknown', rawStatus: 'RENDERING', progress: 30 });
    assert.equal(statuses.length, 4);
  });

  it('returns outcomes in input order, while onOutcome sees them as they end', async () => {
    const result = await run({ slow: completesAfter(5), quick: completesAfter(1) });
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.id),
      ['slow', 'quick'],
    );
    assert.deepEqual(
      result.ended.map((outcome) => outcome.id),
      ['quick', 'slow'],
    );
  });
});

describe('waitForTasks: transient failures', () => {
  it('a 503 storm in the middle of a wait does not end it: warnings with growing delays, then done', async () => {
    const script: Script = (call) => {
      if (call < 2) return { body: { status: 'in_progress', progress: 10 } };
      if (call < 12) return { status: 503, body: 'Service Unavailable' };
      return { body: { status: 'completed' } };
    };
    const result = await run({ vid_s: script }, { random: () => 0 });
    assert.equal(only(result).exitCode, 0);
    const errors = result.events.filter((event) => event.type === 'wait-poll-error');
    assert.equal(errors.length, 10);
    assert.deepEqual(
      errors.map((event) => event.delayMs),
      [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000],
    );
    assert.match(errors[0]?.message ?? '', /HTTP 503/);
  });

  it('network errors and 429 are retried too; Retry-After is obeyed', async () => {
    const script: Script = (call) => {
      if (call === 0) return { network: 'connection reset by the server (ECONNRESET)' };
      if (call === 1) return { status: 429, headers: { 'retry-after': '20' } };
      return { body: { status: 'completed' } };
    };
    const result = await run({ vid_r: script }, { random: () => 0 });
    assert.equal(only(result).exitCode, 0);
    const times = result.client.callsOf('vid_r').map((at) => at - result.startedAt);
    assert.deepEqual(times, [0, 500, 20_500]);
  });

  it('a host that never resolved ends the wait after 3 retries; once the server has answered, a resolver outage is waited out', async () => {
    const notFound = { network: 'host not found', causeCode: 'ENOTFOUND' } as const;
    const result = await run({ never_resolved: () => notFound, answered_once: (call) => (call === 0 ? { body: { status: 'queued' } } : call < 8 ? notFound : { body: { status: 'completed' } }) }, { random: () => 0 });
    const [first, second] = result.outcomes;
    assert.deepEqual([first?.exitCode, first?.code, first?.causeCode], [8, 'network', 'ENOTFOUND']);
    assert.equal(result.client.callsOf('never_resolved').length, 4, 'the first try and 3 retries');
    assert.equal(second?.exitCode, 0);
  });

  it('an answer resets the backoff', async () => {
    const script: Script = (call) => (call % 2 === 0 ? { status: 502 } : call < 9 ? { body: { status: 'queued' } } : { body: { status: 'completed' } });
    const result = await run({ v: script }, { random: () => 0 });
    const errors = result.events.filter((event) => event.type === 'wait-poll-error');
    assert.ok(errors.every((event) => event.delayMs === 500));
  });
});

describe('waitForTasks: pace', () => {
  it('obeys the openai-poll-after-ms hint', async () => {
    const script: Script = (call) => (call < 4 ? { body: { status: 'in_progress' }, pollAfterMs: 700 } : { body: { status: 'completed' } });
    const result = await run({ video_h: script });
    const times = result.client.callsOf('video_h').map((at) => at - result.startedAt);
    assert.deepEqual(times, [0, 700, 1400, 2100, 2800]);
  });

  it('a fixed --interval wins over the hint', async () => {
    const script: Script = (call) => (call < 3 ? { body: { status: 'in_progress' }, pollAfterMs: 700 } : { body: { status: 'completed' } });
    const result = await run({ video_h: script }, { intervalMs: 5000 });
    const times = result.client.callsOf('video_h').map((at) => at - result.startedAt);
    assert.deepEqual(times, [0, 5000, 10_000, 15_000]);
  });

  it('50 ids do not poll at once: the first polls are spread over the first interval', async () => {
    const scripts = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`vid_${i}`, completesAfter(3)]));
    const result = await run(scripts);
    const firsts = Object.keys(scripts).map((id) => (result.client.callsOf(id)[0] ?? NaN) - result.startedAt);
    assert.equal(new Set(firsts).size, 50);
    assert.equal(Math.min(...firsts), 0);
    assert.ok(Math.max(...firsts) < defaultPollPolicy.initialMs);
    // Never more than a handful in any 100 ms over the whole run (the first polls of the last
    // ids overlap the second polls of the first ones, hence not just two or three).
    const times = result.client.requests.map((request) => request.at).sort((a, b) => a - b);
    for (let i = 0; i + 8 < times.length; i++) assert.ok((times[i + 8] ?? 0) - (times[i] ?? 0) >= 100, `burst at ${times[i]}`);
  });

  it('the number of requests stays within what the policy allows', async () => {
    // 30 minutes of generation: the delays grow to the 15 s cap (at least 11.25 s with jitter).
    const generationMs = 30 * 60_000;
    const script: Script = (_call, now) => ({ body: { status: now - start >= generationMs ? 'completed' : 'in_progress' } });
    const time = new FakeTime();
    const start = time.now;
    const client = new FakeVideoClient({ a: script, b: script, c: script }, time.clock);
    const outcomes = await time.run(waitForTasks(['a', 'b', 'c'], { client, now: time.clock, sleep: time.sleep }));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.exitCode),
      [0, 0, 0],
    );
    // Growth phase (2 + 3 + 4.5 + 6.75 + 10.125 s, ≥ 3/4 of that with jitter), then one per 11.25 s at most.
    const perId = Math.ceil(generationMs / (0.75 * defaultPollPolicy.maxMs)) + 6;
    assert.ok(client.requests.length <= 3 * perId, `${client.requests.length} > ${3 * perId}`);
    assert.ok(client.requests.length >= 3 * Math.floor(generationMs / defaultPollPolicy.maxMs), 'and not absurdly few');
  });
});

describe('waitForTasks: timeout and interruption', () => {
  it('--timeout ends unfinished tasks with exit 5 at the deadline, naming their last status', async () => {
    const result = await run(
      { done: completesAfter(1), never_a: always({ body: { status: 'IN_PROGRESS', progress: '42%' } }), never_b: always({ status: 503 }) },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(
      result.outcomes.map((outcome) => outcome.exitCode),
      [0, 5, 5],
    );
    assert.equal(result.outcomes[1]?.message, 'timed out after 1m00s (still in_progress (IN_PROGRESS) 42%)');
    assert.equal(result.outcomes[2]?.message, 'timed out after 1m00s (no status received)');
    assert.equal(result.time.now - result.startedAt, 60_000);
    const done = result.events.filter((event) => event.type === 'wait-done');
    assert.deepEqual(
      done.map((event) => `${event.id} ${event.exitCode}`).sort(),
      ['done 0', 'never_a 5', 'never_b 5'],
    );
  });

  it('the deadline also cuts a status request that hangs', async () => {
    const time = new FakeTime();
    const client = {
      getVideo: (_id: string, signal?: AbortSignal) =>
        new Promise<never>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new EzvideoError('network', 'aborted')))),
    };
    const outcomes = await time.run(waitForTasks(['hang'], { client, now: time.clock, sleep: time.sleep, timeoutMs: 5000 }));
    assert.equal(outcomes[0]?.exitCode, 5);
    assert.equal(time.now - Date.UTC(2025, 0, 1), 5000);
  });

  it('an interruption rejects with the signal reason and stops every poll', async () => {
    const time = new FakeTime();
    const client = new FakeVideoClient({ a: always({ body: { status: 'queued' } }), b: always({ body: { status: 'queued' } }) }, time.clock);
    const controller = new AbortController();
    void time.sleep(10_000).then(() => controller.abort(interruptionError('SIGINT')));
    await assert.rejects(
      time.run(waitForTasks(['a', 'b'], { client, now: time.clock, sleep: time.sleep, signal: controller.signal })),
      (error: unknown) => error instanceof EzvideoError && error.exitCode === 130,
    );
    const count = client.requests.length;
    await time.run(time.sleep(60_000));
    assert.equal(client.requests.length, count, 'nothing polls after the interruption');
    assert.equal(time.pending, 0);
  });

  it('a bug in one loop rejects the whole wait and stops the others', async () => {
    const time = new FakeTime();
    const client = {
      getVideo: async (id: string) => {
        if (id === 'bug') throw new TypeError('boom');
        return { ...parseVideo({ status: 'queued' }, id), pollAfterMs: undefined };
      },
    };
    await assert.rejects(time.run(waitForTasks(['ok', 'bug'], { client, now: time.clock, sleep: time.sleep })), TypeError);
    await time.run(time.sleep(1));
    assert.equal(time.pending, 0);
  });
});
