import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import {
  allProfiles,
  bytesSha256,
  contentRequests,
  fileSha256,
  filesIn,
  rangeStart,
  readJson,
  servedSha256,
  sidecars,
  sizeOf,
  removeTempDirs,
  tempDir,
  testKey,
  waitUntil,
} from '../helpers/download-sim.js';
import { shellQuote, spawnCli } from '../helpers/download-spawn.js';
import { binPath, cleanEnv, runCli } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;
const escapeCode = /\u001b\[/;

after(removeTempDirs);

/**
 * The built binary, spawned, against a simulator in this process: what a user or a script
 * really sees (exit codes, stdout, stderr, files), including signals and a real terminal.
 */
describe('ezvideo download (spawned binary)', () => {
  const servers = new Map<string, MockServer>();
  before(async () => {
    for (const profile of allProfiles) servers.set(profile, await startMockServer({ profile, key: testKey, seed: 9 }));
  });
  after(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });
  const ideal = (): MockServer => servers.get('ideal') as MockServer;
  const envFor = (server: MockServer, extra: Record<string, string> = {}) => cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl, ...extra });

  it('-o - to a pipe: stdout is exactly the served bytes, in every profile', async () => {
    for (const [profile, server] of servers) {
      const ran = await runCli(['download', 'size_2m_pipe', '-o', '-'], { env: envFor(server) });
      assert.equal(ran.code, 0, `${profile}: ${ran.stderr}`);
      assert.equal(ran.stdoutBytes.length, 2 * MiB, profile);
      assert.equal(bytesSha256(ran.stdoutBytes), await servedSha256(server, 'size_2m_pipe'), profile);
      assert.doesNotMatch(ran.stderr, escapeCode, profile);
    }
  });

  it('a piped run: the default name <id>.mp4 in the working folder, plain progress lines, no escape codes', async () => {
    const cwd = await tempDir();
    ideal().setFaults('size_1m_lines', { throttle: 2 * MiB });
    const ran = await runCli(['download', 'size_1m_lines'], { env: envFor(ideal()), cwd });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(filesIn(cwd), ['size_1m_lines.mp4']);
    assert.equal(await fileSha256(join(cwd, 'size_1m_lines.mp4')), await servedSha256(ideal(), 'size_1m_lines'));
    assert.doesNotMatch(ran.stderr, escapeCode);
    assert.doesNotMatch(ran.stderr, /\r/, 'lines, not a redrawn bar');
    const lines = ran.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^size_1m_lines: downloading to size_1m_lines\.mp4 \(1\.0 MiB\)$/);
    assert.ok(lines.some((line) => /\(\d+%\)/.test(line)), 'progress lines with a percentage');
    assert.match(lines.at(-1) ?? '', /^size_1m_lines: saved size_1m_lines\.mp4 /);
    assert.equal(ran.stdout, '');
  });

  it('under a pseudo-terminal (script): a live bar with escape codes and a percentage', async () => {
    const cwd = await tempDir();
    ideal().setFaults('size_1m_tty', { throttle: 2 * MiB });
    const command = [process.execPath, binPath, 'download', 'size_1m_tty'].map(shellQuote).join(' ');
    const screen = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: envFor(ideal(), { TERM: 'xterm-256color', COLUMNS: '100' }), stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, text: Buffer.concat(chunks).toString('utf8') }));
      child.stdin.end();
    });
    assert.equal(screen.code, 0, screen.text);
    assert.match(screen.text, escapeCode, 'a bar redraws with escape codes');
    assert.match(screen.text, /\d+%/);
    assert.match(screen.text, /size_1m_tty: \S*saved/);
    assert.equal(await fileSha256(join(cwd, 'size_1m_tty.mp4')), await servedSha256(ideal(), 'size_1m_tty'));
  });

  /** Starts a slow download and waits until its part file holds some bytes. */
  async function startSlow(server: MockServer, id: string, path: string, extraArgs: string[] = []) {
    server.setFaults(id, { throttle: 1 * MiB });
    const running = spawnCli(['download', id, '-o', path, ...extraArgs], { env: envFor(server) });
    const started = await waitUntil(() => sizeOf(sidecars(path).part) > 128 * 1024, 10_000);
    assert.ok(started, `no bytes arrived: ${running.stderr()}`);
    return running;
  }

  for (const profile of ['ideal', 'ezmodel'] as const) {
    it(`${profile}: SIGINT mid-download exits 130 and keeps the part; the same command again finishes identical`, async () => {
      const server = servers.get(profile) as MockServer;
      const id = `size_2m_sigint`;
      const path = join(await tempDir(), 'video.mp4');
      const running = await startSlow(server, id, path);
      running.child.kill('SIGINT');
      const stopped = await running.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      const { part, state, lock } = sidecars(path);
      assert.ok(sizeOf(part) > 0 && sizeOf(part) < 2 * MiB, 'partial data kept');
      assert.ok(existsSync(state));
      assert.equal(existsSync(path), false);
      assert.match(stopped.stderr, /error: interrupted by SIGINT\nhint: Run the same command again: downloads resume from what they kept/);
      assert.equal(existsSync(lock), false, 'the lock is released on the way out');

      server.setFaults(id, {});
      const kept = sizeOf(part);
      const again = await runCli(['download', id, '-o', path, '--json'], { env: envFor(server) });
      assert.equal(again.code, 0, again.stderr);
      const result = JSON.parse(again.stdout) as Record<string, unknown>;
      assert.equal(result['sha256'], await servedSha256(server, id));
      assert.equal(await fileSha256(path), result['sha256']);
      const last = contentRequests(server, id).at(-1);
      if (profile === 'ideal') {
        assert.equal(result['resumed'], true);
        assert.equal(last?.range, `bytes=${kept}-`, 'resumed where the first run stopped');
        assert.equal(last?.status, 206);
      } else {
        assert.equal(last?.status, 200, 'Range ignored: the whole file again');
      }
      for (const sidecar of [part, state, lock]) assert.equal(existsSync(sidecar), false, `${sidecar} left behind`);
    });
  }

  it('kill -9 mid-download, then the same command: the stale lock is recovered and the file finishes identical', async () => {
    const server = ideal();
    const id = 'size_2m_kill9';
    const path = join(await tempDir(), 'video.mp4');
    const running = await startSlow(server, id, path);
    running.child.kill('SIGKILL');
    const killed = await running.done;
    assert.equal(killed.signal, 'SIGKILL');
    const { part, state, lock } = sidecars(path);
    assert.ok(existsSync(lock), 'a killed process cannot release its lock');
    assert.equal((await readJson(lock) as { pid: number }).pid, running.child.pid);
    const kept = sizeOf(part);
    assert.ok(kept > 0);

    server.setFaults(id, {});
    const again = await runCli(['download', id, '-o', path, '--json'], { env: envFor(server) });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as Record<string, unknown>;
    assert.equal(result['resumed'], true);
    assert.equal(await fileSha256(path), await servedSha256(server, id));
    const last = contentRequests(server, id).at(-1);
    assert.equal(last?.status, 206);
    assert.equal(rangeStart(last!), kept, 'resumed from the bytes on disk');
    for (const sidecar of [part, state, lock]) assert.equal(existsSync(sidecar), false, `${sidecar} left behind`);
  });

  it('a second process on the same output fails fast with a clear message; the first finishes', async () => {
    const server = ideal();
    const id = 'size_2m_twice';
    const path = join(await tempDir(), 'video.mp4');
    const first = await startSlow(server, id, path);
    const started = Date.now();
    const second = await runCli(['download', id, '-o', path], { env: envFor(server) });
    assert.ok(Date.now() - started < 5000, 'fails fast');
    assert.equal(second.code, 9, second.stderr);
    assert.match(second.stderr, new RegExp(`error: size_2m_twice: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is being downloaded by another ezvideo process \\(pid ${first.child.pid} on `));
    assert.match(second.stderr, /hint: Wait for it to finish/);
    server.setFaults(id, {});
    const done = await first.done;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(await fileSha256(path), await servedSha256(server, id));
  });
});
