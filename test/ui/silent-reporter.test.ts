import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../../src/core/events.js';
import { createReporter } from '../../src/ui/reporter.js';
import { MemoryStream } from '../helpers/memory-io.js';

const progressEvents: EngineEvent[] = [
  { type: 'download-start', id: 'vid_q', path: 'q.mp4', offset: 0, totalBytes: 100, attempt: 1 },
  { type: 'download-progress', id: 'vid_q', bytes: 50, totalBytes: 100 },
  { type: 'download-retry', id: 'vid_q', attempt: 1, delayMs: 1000, reason: 'timeout' },
  { type: 'download-done', id: 'vid_q', path: 'q.mp4', bytes: 100, skipped: false },
  { type: 'wait-status', id: 'vid_q', status: 'queued', rawStatus: 'queued', progress: undefined },
  { type: 'wait-done', id: 'vid_q', status: 'completed', exitCode: 0, message: undefined },
];

test('none mode prints nothing for progress and successes', async () => {
  const stream = new MemoryStream({ tty: true });
  const reporter = await createReporter({ mode: 'none', stderr: stream, color: 1 });
  for (const event of progressEvents) reporter.event(event);
  reporter.close();
  assert.equal(stream.text(), '');
});

test('none mode still prints warnings, from the engine', async () => {
  const stream = new MemoryStream();
  const reporter = await createReporter({ mode: 'none', stderr: stream, color: 0 });
  reporter.event({ type: 'download-warning', id: 'vid_q', message: 'server sent text/html' });
  reporter.event({ type: 'wait-poll-error', id: 'vid_q', message: 'HTTP 502', delayMs: 1000 });
  assert.equal(
    stream.text(),
    'warning: vid_q: server sent text/html\nwarning: vid_q: status poll failed: HTTP 502; next poll in 1.0s\n',
  );
});

test('none mode still prints the failure of each id, its id once', async () => {
  const stream = new MemoryStream();
  const reporter = await createReporter({ mode: 'none', stderr: stream, color: 0 });
  reporter.event({ type: 'download-failed', id: 'vid_q', message: 'vid_q: the video expired', exitCode: 7 });
  reporter.event({ type: 'wait-done', id: 'vid_r', status: 'in_progress', exitCode: 5, message: 'timed out after 1.0s (still in_progress 9%)' });
  reporter.event({ type: 'wait-done', id: 'vid_s', status: 'completed', exitCode: 0, message: undefined });
  assert.equal(stream.text(), 'vid_q: download failed: the video expired\nvid_r: timed out after 1.0s (still in_progress 9%)\n');
});
