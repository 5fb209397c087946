import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runInPty } from '../helpers/run-in-pty.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

describe('ezvideo wait: what a terminal and a log see', () => {
  let server: MockServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startMockServer({ profile: 'ezmodel', generationTimeMs: 1500 });
    env = cleanEnv({ EZVIDEO_API_KEY: 'sk-wait-display-123', EZVIDEO_BASE_URL: server.baseUrl });
  });
  after(async () => {
    await server.close();
  });

  it('under a pseudo-terminal: a spinner with the status, the cursor hidden and restored', async () => {
    const run = await runInPty(['wait', 'vid_tty_a', 'vid_tty_b', '--interval', '200ms'], env);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/u, 'a spinner frame');
    assert.ok(run.output.includes('\x1b[?25l'), 'the cursor is hidden while spinning');
    assert.ok(run.output.includes('\x1b[?25h'), 'and shown again at the end');
    assert.match(run.output, /vid_tty_a.*in_progress/);
  });

  it('piped: plain lines only, no escape codes, one per status change or 10 % step', async () => {
    const run = await runCli(['wait', 'vid_pipe_a', '--interval', '100ms'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.ok(!run.stderr.includes('\x1b'), 'no escape codes in a log');
    const lines = run.stderr.trim().split('\n');
    for (const line of lines) assert.match(line, /^vid_pipe_a: /);
    assert.match(run.stderr, /^vid_pipe_a: in_progress \(IN_PROGRESS\) \d+%$/m);
    assert.match(run.stderr, /^vid_pipe_a: completed after /m);
    // 1.5 s of generation polled every 100 ms is ~15 polls; only changes and 10 % steps print.
    assert.ok(lines.length <= 14, `at most a line per 10 % step and status change, got ${lines.length}`);
  });
});
