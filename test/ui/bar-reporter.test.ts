import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { createReporter } from '../../src/ui/reporter.js';
import type { Reporter } from '../../src/ui/reporter.js';
import { MemoryStream } from '../helpers/memory-io.js';

const MiB = 1024 ** 2;
const SHOW_CURSOR = '\x1b[?25h';
/** ora wraps every frame in these; the text after the last one is the spinner's current frame. */
const FRAME_START = '\x1b[?2026h';
const FRAME_END = '\x1b[?2026l';

/** cli-progress and ora redraw on timers: mock them so a test moves time instead of sleeping. */
async function setup(t: TestContext, stream = new MemoryStream({ tty: true, columns: 100, rows: 40 })) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  const clock = { now: 0 };
  const reporter = await createReporter({ mode: 'bar', stderr: stream, color: 1, now: () => clock.now });
  t.after(() => reporter.close());
  return { reporter, stream, clock };
}

function lastSpinnerFrame(output: string): string {
  const start = output.lastIndexOf(FRAME_START);
  assert.ok(start >= 0, 'a spinner frame was drawn');
  const end = output.indexOf(FRAME_END, start);
  return stripVTControlCharacters(output.slice(start, end));
}

function start(reporter: Reporter, id: string, offset: number, totalBytes: number | undefined): void {
  reporter.event({ type: 'download-start', id, path: `${id}.mp4`, offset, totalBytes, attempt: 1 });
}

test('a download shows a bar with the id, percent, sizes, speed and ETA', async (t) => {
  const { reporter, stream, clock } = await setup(t);
  start(reporter, 'vid_bar', 4 * MiB, 12 * MiB);
  const first = stream.text();
  assert.ok(first.includes('\x1b['), 'drawn with escape codes');
  assert.match(stripVTControlCharacters(first), /vid_bar █+░+  33%  4\.0 MiB\/12\.0 MiB  ETA --/);

  clock.now = 2000;
  reporter.event({ type: 'download-progress', id: 'vid_bar', bytes: 8 * MiB, totalBytes: 12 * MiB });
  assert.equal(stream.text(), first, 'no redraw before the next frame is due');
  t.mock.timers.tick(100);
  assert.match(stripVTControlCharacters(stream.text().slice(first.length)), /vid_bar █+░+  66%  8\.0 MiB\/12\.0 MiB  2\.0 MiB\/s  ETA 2\.0s/);
});

test('an unknown size shows bytes and speed only', async (t) => {
  const { reporter, stream, clock } = await setup(t);
  start(reporter, 'vid_u', 0, undefined);
  clock.now = 1000;
  reporter.event({ type: 'download-progress', id: 'vid_u', bytes: 3 * MiB, totalBytes: undefined });
  t.mock.timers.tick(100);
  const text = stripVTControlCharacters(stream.text());
  assert.match(text, /vid_u  3\.0 MiB  3\.0 MiB\/s/);
  assert.doesNotMatch(text, /%/);
});

test('retries and done lines print above the bars, and the bars go when done', async (t) => {
  const { reporter, stream, clock } = await setup(t);
  start(reporter, 'vid_a', 0, 10 * MiB);
  start(reporter, 'vid_b', 0, 10 * MiB);
  reporter.event({ type: 'download-retry', id: 'vid_a', attempt: 1, delayMs: 1500, reason: 'socket hang up' });
  clock.now = 4000;
  reporter.event({ type: 'download-done', id: 'vid_a', path: 'a.mp4', bytes: 10 * MiB, skipped: false });
  reporter.event({ type: 'download-failed', id: 'vid_b', message: 'size mismatch', exitCode: 9 });
  const text = stripVTControlCharacters(stream.text());
  assert.match(text, /vid_a: attempt 1 failed: socket hang up; retrying in 1\.5s\n/);
  assert.match(text, /vid_a: saved a\.mp4 \(10\.0 MiB in 4\.0s, 2\.5 MiB\/s\)\n/);
  assert.match(text, /vid_b: download failed: size mismatch\n/);

  // Everything finished: the MultiBar stopped (cursor shown again) and draws no more.
  assert.ok(stream.text().endsWith(`${SHOW_CURSOR}\x1b[1G\x1b[0J`), JSON.stringify(stream.text().slice(-40)));
  const length = stream.text().length;
  t.mock.timers.tick(1000);
  assert.equal(stream.text().length, length);
});

test('close() stops a running bar, says where it stopped and leaves the cursor on a fresh line', async (t) => {
  const { reporter, stream } = await setup(t);
  start(reporter, 'vid_c', 0, 8 * MiB);
  reporter.event({ type: 'download-progress', id: 'vid_c', bytes: 2 * MiB, totalBytes: 8 * MiB });
  reporter.close();
  const text = stream.text();
  assert.match(stripVTControlCharacters(text), /vid_c: stopped at 2\.0 MiB of 8\.0 MiB \(25%\)\n/);
  assert.ok(text.lastIndexOf(SHOW_CURSOR) > text.lastIndexOf('stopped at'), 'cursor shown again after the last line');
  // Live area erased from the start of a line: column 1, clear screen down.
  assert.ok(text.endsWith('\x1b[1G\x1b[0J'), JSON.stringify(text.slice(-40)));
  reporter.close(); // idempotent
  reporter.event({ type: 'download-progress', id: 'vid_c', bytes: 3 * MiB, totalBytes: 8 * MiB });
  t.mock.timers.tick(1000);
  assert.equal(stream.text(), text, 'nothing drawn after close');
});

test('waiting for one id shows a spinner with its status', async (t) => {
  const { reporter, stream } = await setup(t);
  reporter.event({ type: 'wait-status', id: 'vid_w', status: 'in_progress', rawStatus: 'IN_PROGRESS', progress: 42 });
  assert.match(lastSpinnerFrame(stream.text()), /^⠋ waiting for vid_w: in_progress \(IN_PROGRESS\) 42%$/);
  reporter.event({ type: 'wait-status', id: 'vid_w', status: 'in_progress', rawStatus: 'IN_PROGRESS', progress: 57 });
  assert.match(lastSpinnerFrame(stream.text()), /in_progress \(IN_PROGRESS\) 57%$/);
  t.mock.timers.tick(80);
  assert.match(lastSpinnerFrame(stream.text()), /^⠙ /, 'the spinner turns');

  reporter.event({ type: 'wait-poll-error', id: 'vid_w', message: 'slow server', delayMs: 1000 });
  reporter.event({ type: 'wait-done', id: 'vid_w', status: 'completed', exitCode: 0, message: undefined });
  const text = stream.text();
  assert.match(stripVTControlCharacters(text), /warning: vid_w: status poll failed: slow server; next poll in 1\.0s\n/);
  assert.match(stripVTControlCharacters(text), /vid_w: completed after 0\.0s\n/);
  // Nothing left to wait for: the spinner was stopped (cursor shown), then the line printed.
  assert.ok(text.endsWith(`${SHOW_CURSOR}vid_w: \x1b[32mcompleted\x1b[39m after 0.0s\n`), JSON.stringify(text.slice(-60)));
  t.mock.timers.tick(1000);
  assert.equal(stream.text(), text);
});

test('waiting for 50 ids keeps the spinner view to a few lines', async (t) => {
  const { reporter, stream } = await setup(t);
  for (let index = 0; index < 50; index++) {
    const status = index % 4 === 0 ? 'queued' : 'in_progress';
    reporter.event({ type: 'wait-status', id: `vid_${index}`, status, rawStatus: status, progress: status === 'queued' ? undefined : index });
  }
  const lines = lastSpinnerFrame(stream.text()).split('\n');
  assert.equal(lines.length, 10, lines.join('\n'));
  assert.equal(lines[0], '⠋ waiting for 50 videos: 37 in_progress, 13 queued');
  assert.equal(lines[1], '  vid_0  queued');
  assert.equal(lines[2], '  vid_1  in_progress    1%');
  assert.equal(lines[9], '  … and 42 more: 31 in_progress, 11 queued');
  for (const line of lines) assert.ok(line.length <= 100, line);
});

test('downloads and waits together: one MultiBar with a waiting row, the spinner stopped', async (t) => {
  const { reporter, stream } = await setup(t);
  for (const id of ['vid_1', 'vid_2', 'vid_3']) {
    reporter.event({ type: 'wait-status', id, status: 'in_progress', rawStatus: 'in_progress', progress: 50 });
  }
  reporter.event({ type: 'wait-done', id: 'vid_1', status: 'completed', exitCode: 0, message: undefined });
  const beforeDownload = stream.text().length;
  start(reporter, 'vid_1', 0, 4 * MiB);
  const during = stream.text().slice(beforeDownload);
  assert.ok(during.includes(SHOW_CURSOR), 'spinner stopped (cursor restored) before the bars start');
  assert.match(stripVTControlCharacters(during), /waiting for 2 videos: 2 in_progress\n.*vid_1 .*0%/);

  // The spinner must stay stopped while bars run: no spinner frame after the bars started.
  const barsStarted = stream.text().length;
  t.mock.timers.tick(500);
  reporter.event({ type: 'wait-status', id: 'vid_2', status: 'completed', rawStatus: 'completed', progress: 100 });
  t.mock.timers.tick(100);
  assert.ok(!stream.text().slice(barsStarted).includes(FRAME_START));
  assert.match(stripVTControlCharacters(stream.text().slice(barsStarted)), /waiting for 2 videos: 1 completed, 1 in_progress/);

  // The download ends while waits remain: the spinner comes back.
  reporter.event({ type: 'download-done', id: 'vid_1', path: 'vid_1.mp4', bytes: 4 * MiB, skipped: false });
  assert.match(lastSpinnerFrame(stream.text()), /waiting for 2 videos/);
});

test('bar mode forced onto a stream that is not a terminal still draws', async (t) => {
  const pipe = new MemoryStream();
  const { reporter } = await setup(t, pipe);
  start(reporter, 'vid_p', 0, 10 * MiB);
  reporter.close();
  assert.ok(pipe.text().includes('\x1b['));
  assert.match(stripVTControlCharacters(pipe.text()), /vid_p .*0%/);
});

test('a resumed download says so above its bar, and its done line says what this run fetched', async (t) => {
  const { reporter, stream, clock } = await setup(t);
  reporter.event({ type: 'download-start', id: 'vid_r', path: 'r.mp4', offset: 6 * MiB, totalBytes: 8 * MiB, attempt: 1 });
  clock.now = 1000;
  reporter.event({ type: 'download-done', id: 'vid_r', path: 'r.mp4', bytes: 8 * MiB, skipped: false });
  const text = stripVTControlCharacters(stream.text());
  assert.match(text, /vid_r: resuming r\.mp4 at 6\.0 MiB of 8\.0 MiB\n/);
  assert.match(text, /vid_r: saved r\.mp4 \(8\.0 MiB; resumed at 6\.0 MiB, fetched 2\.0 MiB in 1\.0s, 2\.0 MiB\/s\)\n/);
});
