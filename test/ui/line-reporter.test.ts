import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReporter } from '../../src/ui/reporter.js';
import type { Reporter } from '../../src/ui/reporter.js';
import { MemoryStream } from '../helpers/memory-io.js';

const MiB = 1024 ** 2;

async function setup(options: { verbose?: boolean; color?: 0 | 1 } = {}): Promise<{
  reporter: Reporter;
  stream: MemoryStream;
  clock: { now: number };
  lines: () => string[];
}> {
  const stream = new MemoryStream();
  const clock = { now: 0 };
  const reporter = await createReporter({ mode: 'line', stderr: stream, color: options.color ?? 0, now: () => clock.now });
  return { reporter, stream, clock, lines: () => stream.text().split('\n').filter((line) => line !== '') };
}

test('a fast download prints about ten progress lines and no escape codes', async () => {
  const { reporter, stream, clock, lines } = await setup();
  const total = 100 * MiB;
  reporter.event({ type: 'download-start', id: 'vid_x', path: 'out.mp4', offset: 0, totalBytes: total, attempt: 1 });
  for (let percent = 1; percent <= 100; percent++) {
    clock.now = percent * 10; // 0 -> 100 % within one second
    reporter.event({ type: 'download-progress', id: 'vid_x', bytes: percent * MiB, totalBytes: total });
  }
  clock.now = 1000;
  reporter.event({ type: 'download-done', id: 'vid_x', path: 'out.mp4', bytes: total, skipped: false });
  reporter.close();

  const all = lines();
  assert.equal(all[0], 'vid_x: downloading to out.mp4 (100.0 MiB)');
  const progress = all.filter((line) => / of 100\.0 MiB \(\d+%\)/.test(line));
  assert.ok(progress.length >= 9 && progress.length <= 11, `progress lines: ${progress.length}\n${all.join('\n')}`);
  // Speed needs half a second of samples, so the first lines carry none.
  assert.equal(progress[0], 'vid_x: 10.0 MiB of 100.0 MiB (10%)');
  assert.equal(progress[4], 'vid_x: 50.0 MiB of 100.0 MiB (50%), 100.0 MiB/s, 0.5s left');
  assert.equal(all.at(-1), 'vid_x: saved out.mp4 (100.0 MiB in 1.0s, 100.0 MiB/s)');
  assert.equal(all.length, progress.length + 2);
  assert.ok(!stream.bytes().includes(0x1b), 'no escape byte in line mode');
});

test('a slow download prints a line every 5 seconds', async () => {
  const { reporter, clock, lines } = await setup();
  const total = 1000 * MiB;
  reporter.event({ type: 'download-start', id: 'vid_slow', path: 'slow.mp4', offset: 0, totalBytes: total, attempt: 1 });
  // 0.1 % per second for 60 s: never a 10 % step, so only the clock decides.
  for (let second = 1; second <= 60; second++) {
    clock.now = second * 1000;
    reporter.event({ type: 'download-progress', id: 'vid_slow', bytes: second * MiB, totalBytes: total });
  }
  const progress = lines().slice(1);
  assert.equal(progress.length, 12);
  assert.equal(progress[0], 'vid_slow: 5.0 MiB of 1000.0 MiB (0%), 1.0 MiB/s, 16m35s left');
  assert.match(progress[11] ?? '', /^vid_slow: 60\.0 MiB of 1000\.0 MiB/);
});

test('an unknown size prints bytes and speed every 5 seconds, whatever the amount', async () => {
  const { reporter, clock, lines } = await setup();
  reporter.event({ type: 'download-start', id: 'vid_u', path: 'u.mp4', offset: 0, totalBytes: undefined, attempt: 1 });
  for (let tick = 1; tick <= 100; tick++) {
    clock.now = tick * 100; // 10 s in all, 100 MiB per tick
    reporter.event({ type: 'download-progress', id: 'vid_u', bytes: tick * 100 * MiB, totalBytes: undefined });
  }
  assert.deepEqual(lines(), [
    'vid_u: downloading to u.mp4',
    'vid_u: 4.9 GiB, 1000.0 MiB/s',
    'vid_u: 9.8 GiB, 1000.0 MiB/s',
  ]);
});

test('resume, retry, warning and failure each get a line', async () => {
  const { reporter, clock, lines } = await setup();
  reporter.event({ type: 'download-start', id: 'vid_r', path: 'r.mp4', offset: 4 * MiB, totalBytes: 12 * MiB, attempt: 1 });
  reporter.event({ type: 'download-warning', id: 'vid_r', message: 'server sent text/html, expected video/mp4' });
  clock.now = 1000;
  reporter.event({ type: 'download-retry', id: 'vid_r', attempt: 1, delayMs: 2000, reason: 'socket hang up' });
  clock.now = 3000;
  reporter.event({ type: 'download-start', id: 'vid_r', path: 'r.mp4', offset: 6 * MiB, totalBytes: 12 * MiB, attempt: 2 });
  reporter.event({ type: 'download-failed', id: 'vid_r', message: 'size mismatch', exitCode: 9 });
  reporter.event({ type: 'download-done', id: 'vid_s', path: 's.mp4', bytes: 10, skipped: true });
  assert.deepEqual(lines(), [
    'vid_r: resuming r.mp4 at 4.0 MiB of 12.0 MiB',
    'warning: vid_r: server sent text/html, expected video/mp4',
    'vid_r: attempt 1 failed: socket hang up; retrying in 2.0s',
    'vid_r: resuming r.mp4 at 6.0 MiB of 12.0 MiB (attempt 2)',
    'vid_r: download failed: size mismatch',
    'vid_s: s.mp4 is already complete, skipped',
  ]);
});

test('after a resume the done line says what this run fetched, and averages over that', async () => {
  const { reporter, clock, lines } = await setup();
  reporter.event({ type: 'download-start', id: 'vid_a', path: '-', offset: 8 * MiB, totalBytes: 12 * MiB, attempt: 1 });
  clock.now = 2000;
  reporter.event({ type: 'download-done', id: 'vid_a', path: '-', bytes: 12 * MiB, skipped: false });
  assert.equal(lines().at(-1), 'vid_a: saved stdout (12.0 MiB; resumed at 8.0 MiB, fetched 4.0 MiB in 2.0s, 2.0 MiB/s)');
});

test('waits print on status change and on 10 % steps, with the raw status when it differs', async () => {
  const { reporter, clock, lines } = await setup();
  const status = (progress: number | undefined, rawStatus = 'IN_PROGRESS', s: 'queued' | 'in_progress' = 'in_progress') =>
    reporter.event({ type: 'wait-status', id: 'vid_w', status: s, rawStatus, progress });
  status(undefined, 'queued', 'queued');
  clock.now = 5000;
  status(undefined, 'queued', 'queued'); // unchanged: silent
  status(3);
  status(7); // same step: silent
  status(12);
  status(19); // same step: silent
  status(41);
  reporter.event({ type: 'wait-poll-error', id: 'vid_w', message: 'HTTP 502', delayMs: 5000 });
  clock.now = 65_000;
  status(41); // unchanged for a minute: a heartbeat line
  clock.now = 125_000;
  reporter.event({ type: 'wait-done', id: 'vid_w', status: 'completed', exitCode: 0, message: undefined });
  reporter.event({ type: 'wait-done', id: 'vid_f', status: 'failed', exitCode: 6, message: 'the generation failed: content policy' });
  assert.deepEqual(lines(), [
    'vid_w: queued',
    'vid_w: in_progress (IN_PROGRESS) 3%',
    'vid_w: in_progress (IN_PROGRESS) 12%',
    'vid_w: in_progress (IN_PROGRESS) 41%',
    'warning: vid_w: status poll failed: HTTP 502; next poll in 5.0s',
    'vid_w: in_progress (IN_PROGRESS) 41%',
    'vid_w: completed after 2m05s',
    'vid_f: the generation failed: content policy',
  ]);
});

test('a warning names its id once, even when the engine message starts with it', async () => {
  const { reporter, lines } = await setup();
  reporter.event({ type: 'download-warning', id: 'size_8m_w', message: 'size_8m_w: the server ignored the range request' });
  reporter.event({ type: 'download-failed', id: 'nope_j2', message: 'nope_j2: GET content: HTTP 404', exitCode: 4 });
  assert.deepEqual(lines(), ['warning: size_8m_w: the server ignored the range request', 'nope_j2: download failed: GET content: HTTP 404']);
});

test('line mode colours only when the level says so', async () => {
  const { reporter, stream } = await setup({ color: 1 });
  reporter.event({ type: 'download-warning', id: 'vid_w', message: 'careful' });
  assert.equal(stream.text(), '\x1b[33mwarning:\x1b[39m vid_w: careful\n');
});

test('closing with a download still running (interrupted) says where it stopped, as the bar does', async () => {
  const { reporter, lines } = await setup();
  reporter.event({ type: 'download-start', id: 'vid_i', path: 'i.mp4', offset: 0, totalBytes: 8 * MiB, attempt: 1 });
  reporter.event({ type: 'download-progress', id: 'vid_i', bytes: 2 * MiB, totalBytes: 8 * MiB });
  reporter.close();
  assert.equal(lines().at(-1), 'vid_i: stopped at 2.0 MiB of 8.0 MiB (25%)');
});
