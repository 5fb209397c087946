import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DownloadOutcome } from '../../src/commands/deliver.js';
import { PROFILE_NAMES, startMockServer, type MockServer, type ProfileName } from '../../src/mock/index.js';
import { removeTempDirs, tempDir, waitUntil } from '../helpers/download-sim.js';
import { runWaitCommand, statusCalls } from '../helpers/wait-command.js';

const GENERATION_MS = 300;

/** Seeded ids in each server's own style (the simulator ignores a leading `video_` / `task_`). */
const idStyle: Record<ProfileName, string> = { ideal: '', openai: 'video_', ezmodel: 'task_', newapi: 'task_' };

describe('ezvideo wait against the simulator', { concurrency: true }, () => {
  const servers = new Map<ProfileName, MockServer>();
  before(async () => {
    for (const profile of PROFILE_NAMES) servers.set(profile, await startMockServer({ profile, generationTimeMs: GENERATION_MS }));
  });
  after(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });
  const server = (profile: ProfileName): MockServer => {
    const found = servers.get(profile);
    assert.ok(found);
    return found;
  };

  for (const profile of PROFILE_NAMES) {
    it(`${profile}: completed 0, failed 6, cancelled 6, not found 4, expired 7; one --json line per id; exit = first failure`, async () => {
      const p = idStyle[profile];
      // newapi's status objects carry no expires_at: only a download learns it (410 artifact_gone, exit 7).
      const expiredExit = profile === 'newapi' ? 0 : 7;
      const ids = [`${p}vid_ok1`, `${p}fail_1`, `${p}cancel_1`, `${p}nope_1`, `${p}expired_1`];
      const result = await runWaitCommand(server(profile), ids);
      assert.equal(result.code, 6, result.stderr);
      const byId = new Map(result.lines.map((line) => [line['id'], line]));
      assert.equal(result.lines.length, 5);
      assert.deepEqual(
        ids.map((id) => byId.get(id)?.['exitCode']),
        [0, 6, 6, 4, expiredExit],
      );
      const ok = byId.get(ids[0]);
      assert.equal(ok?.['status'], 'completed');
      assert.equal(ok?.['progress'], 100);
      assert.equal(ok?.['model'], 'sora-2');
      assert.equal(ok?.['size'], '1280x720');
      assert.equal(ok?.['seconds'], '8');
      assert.equal(ok?.['error'], null);
      assert.equal(ok?.['message'], undefined);
      if (profile === 'ezmodel') assert.equal(ok?.['rawStatus'], 'SUCCESS');
      const failed = byId.get(ids[1]);
      assert.equal(failed?.['status'], 'failed');
      assert.equal(failed?.['message'], 'the generation failed: Video generation failed (simulated)');
      assert.equal(failed?.['code'], 'generation_failed');
      assert.equal(failed?.['error'], 'Video generation failed (simulated)');
      // OpenAI and the gateway have no cancelled status: their cancelled tasks read as failed.
      assert.equal(byId.get(ids[2])?.['status'], profile === 'ideal' || profile === 'newapi' ? 'cancelled' : 'failed');
      assert.equal(byId.get(ids[3])?.['status'], null);
      if (expiredExit === 7) assert.match(String(byId.get(ids[4])?.['message']), /expired/);
    });

    it(`${profile}: string or numeric progress and the status words arrive as the reporter's events`, async () => {
      const p = idStyle[profile];
      const result = await runWaitCommand(server(profile), [`${p}vid_lines`], { options: { json: false, progress: 'line' } });
      assert.equal(result.code, 0, result.stderr);
      const running = profile === 'ezmodel' ? /in_progress \(IN_PROGRESS\) \d+%/ : /in_progress \d+%/;
      assert.match(result.stderr, running);
      assert.match(result.stderr, new RegExp(`${p}vid_lines: completed`));
      assert.doesNotMatch(result.stderr, /\u001b/, 'no escape codes in plain lines');
      assert.equal(result.stdout, '');
    });

    it(`${profile}: --timeout ends with 5 and names the unfinished ids`, async () => {
      const p = idStyle[profile];
      const result = await runWaitCommand(server(profile), [`${p}vid_t`, `${p}never_1`, `${p}never_2`], {
        // Ten times vid_t's generation: it completes in time even on a loaded machine.
        flags: { timeout: 3000 },
        options: { json: false, progress: 'none' },
      });
      assert.equal(result.code, 5);
      assert.ok(result.elapsedMs < 5500, `took ${result.elapsedMs} ms`);
      // Each unfinished id has its line, even with --progress none; the run ends on the first.
      assert.match(result.stderr, new RegExp(`^${p}never_1: timed out after 3.0s \\(still `, 'm'));
      assert.match(result.stderr, new RegExp(`^${p}never_2: timed out after 3.0s`, 'm'));
      assert.match(result.stderr, new RegExp(`^error: 2 of 3 ids failed; the first: ${p}never_1: timed out after 3.0s`, 'm'));
      assert.doesNotMatch(result.stderr, /vid_t/);
      assert.match(result.stderr, /hint: .*--timeout/);
    });

    it(`${profile}: a 503 storm in the middle of a wait does not end it`, async () => {
      const mock = server(profile);
      const id = `${idStyle[profile]}vid_storm`;
      // The storm starts once the task has answered, and refuses its next 6 status calls.
      const watch = setInterval(() => {
        if (statusCalls(mock, id) >= 1) {
          clearInterval(watch);
          mock.setFaults(id, { failFirst: { count: 6, status: 503, on: 'status' } });
        }
      }, 1);
      const result = await runWaitCommand(mock, [id], { flags: { interval: 100 }, options: { json: true, progress: 'line' } });
      clearInterval(watch);
      assert.equal(result.code, 0, result.stderr);
      const warnings = result.stderr.split('\n').filter((line) => line.includes('status poll failed'));
      assert.equal(warnings.length, 6, result.stderr);
      assert.match(warnings[0] ?? '', /^warning: .*HTTP 503/);
      assert.equal(mock.requests.filter((request) => request.taskId === id && request.status === 503).length, 6);
    });
  }

  it('openai: the openai-poll-after-ms hint sets the pace when no --interval is given', async () => {
    // 3 s of generation: the simulator hints 300 ms, where the default schedule would poll at 0, 2 s and 5 s.
    const mock = await startMockServer({ profile: 'openai', generationTimeMs: 3000 });
    try {
      const id = 'video_vid_hint';
      const result = await runWaitCommand(mock, [id], { flags: { interval: undefined } });
      assert.equal(result.code, 0, result.stderr);
      const times = mock.requests.filter((request) => request.taskId === id).map((request) => request.startedAt);
      const gaps = times.slice(1).map((at, i) => at - (times[i] ?? at));
      // The default schedule would make 3 polls with gaps of 2 s and more.
      assert.ok(times.length >= 6, `${times.length} polls`);
      for (const gap of gaps) assert.ok(gap >= 290 && gap < 1500, `gap ${gap} ms`);
    } finally {
      await mock.close();
    }
  });

  it('401: exit 3 for every id, and the key is refused only once per id', async () => {
    const mock = await startMockServer({ profile: 'ezmodel', key: 'sk-right' });
    try {
      const result = await runWaitCommand(mock, ['task_vid_a', 'task_vid_b'], { apiKey: 'sk-wrong' });
      assert.equal(result.code, 3);
      assert.deepEqual(
        result.lines.map((line) => line['exitCode']),
        [3, 3],
      );
      assert.equal(statusCalls(mock), 2);
    } finally {
      await mock.close();
    }
  });

  it('ids from stdin: comments and blank lines skipped, duplicates merged', async () => {
    const result = await runWaitCommand(server('ideal'), ['-', 'vid_in1'], { stdin: '# batch\nvid_in1\n\nvid_in2  # second\nvid_in1\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.lines.map((line) => line['id']).sort(), ['vid_in1', 'vid_in2']);
  });

  it('download flags without --then-download, or -o with several ids, are usage errors before any request', async () => {
    const mock = server('ideal');
    const before = mock.requests.length;
    const noDownload = await runWaitCommand(mock, ['vid_u1'], { flags: { dir: '/tmp/x' } });
    assert.equal(noDownload.code, 2);
    assert.match(noDownload.stderr, /^error: --dir is a download flag, and this wait downloads nothing\nhint: Add --then-download/);
    const oneOutput = await runWaitCommand(mock, ['vid_u1', 'vid_u2'], { flags: { thenDownload: true, output: 'a.mp4' } });
    assert.equal(oneOutput.code, 2);
    const bothOnStdout = await runWaitCommand(mock, ['vid_u1'], { flags: { thenDownload: true, output: '-' } });
    assert.match(bothOnStdout.stderr, /^error: --json and -o - both write to stdout\n/);
    assert.equal(mock.requests.length, before);
  });

  it('--then-download starts each download as its task completes, at most --concurrency at once', async () => {
    const mock = await startMockServer({ profile: 'ideal', generationTimeMs: 200 });
    try {
      const downloads: Array<{ id: string; startedAt: number }> = [];
      let running = 0;
      let most = 0;
      const fakeDownloader = () => async (id: string): Promise<DownloadOutcome> => {
        downloads.push({ id, startedAt: Date.now() });
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running -= 1;
        return id.startsWith('vid_bad')
          ? { id, exitCode: 9, message: 'disk full' }
          : { id, exitCode: 0, result: { id, path: `${id}.mp4`, bytes: 1, contentType: 'video/mp4', sha256: 'x', attempts: 1, resumed: false, source: 'gateway', url: undefined, variant: 'video', skipped: false, elapsedMs: 1, verified: 'ok' } };
      };
      const ids = ['vid_d1', 'vid_d2', 'vid_d3', 'vid_bad1', 'vid_d4', 'fail_d', 'never_d'];
      const startedAt = Date.now();
      const result = await runWaitCommand(mock, ids, { flags: { thenDownload: true, concurrency: 2, timeout: 1500 }, downloader: fakeDownloader });
      // Input order: vid_bad1 (9) fails before fail_d (6) and never_d (5).
      assert.equal(result.code, 9);
      assert.deepEqual(downloads.map((download) => download.id).sort(), ['vid_bad1', 'vid_d1', 'vid_d2', 'vid_d3', 'vid_d4']);
      assert.equal(most, 2);
      // The downloads did not wait for never_d's timeout.
      assert.ok(downloads.every((download) => download.startedAt - startedAt < 1400));
      const byId = new Map(result.lines.map((line) => [line['id'], line]));
      assert.deepEqual(byId.get('vid_d1')?.['download'], { id: 'vid_d1', path: 'vid_d1.mp4', bytes: 1, contentType: 'video/mp4', sha256: 'x', attempts: 1, resumed: false, source: 'gateway', variant: 'video', skipped: false, elapsedMs: 1, verified: 'ok' });
      assert.equal(byId.get('vid_d1')?.['status'], 'completed');
      assert.equal(byId.get('vid_bad1')?.['exitCode'], 9);
      assert.equal(byId.get('vid_bad1')?.['message'], 'disk full');
      assert.equal(byId.get('fail_d')?.['download'], undefined);
      assert.equal(byId.get('never_d')?.['exitCode'], 5);
      // never_d's line comes last: the others ended (downloads included) before its timeout.
      assert.equal(result.lines.at(-1)?.['id'], 'never_d');
    } finally {
      await mock.close();
    }
  });

  it('an interruption stops the wait at once and ends with its own error', async () => {
    const startedAt = Date.now();
    const result = runWaitCommand(server('ideal'), ['never_int'], {
      options: { json: false, progress: 'none' },
      started: (memory) => setTimeout(() => memory.interrupt('SIGINT'), 200),
    });
    const ended = await result;
    assert.equal(ended.code, 130);
    assert.ok(Date.now() - startedAt < 1000);
    // A plain wait keeps no partial data: the hint says the tasks go on, not that data was kept.
    assert.match(ended.stderr, /^error: interrupted by SIGINT\nhint: The tasks go on at the server without us/m);
    assert.doesNotMatch(ended.stderr, /[Pp]artial/);
  });

  it('Ctrl-C during download --wait on a terminal: where the download stopped, then one interrupted error, no "download failed"', async () => {
    const mock = await startMockServer({ profile: 'ideal', generationTimeMs: 0 });
    try {
      mock.setFaults('size_*', { throttle: 1 << 20 });
      const dir = await tempDir();
      const result = await runWaitCommand(mock, ['size_8m_int'], {
        tty: true,
        flags: { thenDownload: true, dir },
        options: { json: false },
        started: (memory) => {
          // Once bytes are on disk: the download is under way, its bar drawn.
          const part = join(dir, 'size_8m_int.mp4.part');
          void waitUntil(() => existsSync(part) && statSync(part).size > 0, 10_000).then(() => memory.interrupt('SIGINT'));
        },
      });
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /size_8m_int: stopped at [\d.]+ [KM]iB of 8\.0 MiB \(\d+%\)/);
      assert.doesNotMatch(result.stderr, /download failed/);
      assert.equal(result.stderr.match(/error: /g)?.length, 1, result.stderr);
      assert.match(result.stderr, /error: interrupted by SIGINT\nhint: Run the same command again: downloads resume from what they kept/);
    } finally {
      await mock.close();
      await removeTempDirs();
    }
  });

  it('a TTY gets the spinner view; a pipe gets plain lines', async () => {
    const tty = await runWaitCommand(server('ideal'), ['vid_tty1', 'vid_tty2'], { tty: true, options: { json: false } });
    assert.equal(tty.code, 0, tty.stderr);
    assert.match(tty.stderr, /\u001b\[/, 'cursor movement on the terminal');
    assert.match(tty.stderr, /waiting for 2 videos/);
    const piped = await runWaitCommand(server('ideal'), ['vid_pipe1', 'vid_pipe2'], { tty: false, options: { json: false } });
    assert.doesNotMatch(piped.stderr, /\u001b/);
    assert.match(piped.stderr, /^vid_pipe1: completed/m);
  });
});
