/**
 * The API key goes to the API's origin in an Authorization header, is stored only in the 0600
 * config file, and appears nowhere else: not on another origin after a redirect, not on stdout
 * or stderr (plain, --verbose, --json, failures, a server that quotes it back), not in the
 * part, state or lock files, not in the library's errors and events, not in the process list
 * when it comes from a file or stdin. Every output of every test here is kept and searched.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { VideoApiClient } from '../../src/api/client.js';
import { downloadVideo } from '../../src/core/download.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { eventLog, fastRetry, fileSha256, removeTempDirs, servedSha256, sidecars, sizeOf, tempDir, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { type CliRun, cleanEnv, runCli } from '../helpers/run-cli.js';

/** Distinctive enough that finding it anywhere can only mean a leak. */
const key = 'sk-canary-Zq8v3KpL2mW9xT4r';

/** Everything the tests saw: outputs of every run, errors, events; searched at the end. */
const seen: { label: string; text: string }[] = [];

function keep(label: string, run: CliRun): CliRun {
  seen.push({ label: `${label} (stdout)`, text: run.stdout }, { label: `${label} (stderr)`, text: run.stderr });
  return run;
}

function assertNoKey(label: string, text: string): void {
  assert.ok(!text.includes(key), `the API key appears in ${label}:\n${text.slice(0, 2000)}`);
}

/** Every file under `dir`, with its content. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'latin1') }];
  });
}

describe('the API key stays with the API', () => {
  let server: MockServer;
  let root: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key });
    root = await tempDir();
    env = cleanEnv({ EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: server.baseUrl });
  });
  after(async () => {
    await server.close();
    try {
      // The last line of defence: every output and every file the runs left.
      for (const { label, text } of seen) assertNoKey(label, text);
      for (const file of filesUnder(root)) assertNoKey(file.path, file.text);
    } finally {
      await removeTempDirs();
    }
  });

  it('head, download and wait --then-download, plain, --verbose and --json: the key is sent only as a header, printed nowhere', async () => {
    const dir = join(root, 'plain');
    for (const flags of [[], ['--verbose'], ['--json'], ['--verbose', '--json']]) {
      const label = flags.join(' ') || 'plain';
      assert.equal(keep(`head ${label}`, await runCli(['head', 'vid_secret', ...flags], { env })).code, 0);
      const downloaded = keep(`download ${label}`, await runCli(['download', `size_200k_dl${flags.length}${flags[0] ?? ''}`, '--dir', dir, ...flags], { env }));
      assert.equal(downloaded.code, 0, downloaded.stderr);
      const waited = keep(`wait ${label}`, await runCli(['wait', '--then-download', `size_100k_w${flags.length}${flags[0] ?? ''}`, '--dir', dir, ...flags], { env }));
      assert.equal(waited.code, 0, waited.stderr);
    }
    const verbose = seen.find((entry) => entry.label === 'download --verbose (stderr)')?.text ?? '';
    assert.match(verbose, /GET http:\/\/127\.0\.0\.1:\d+\/v1\/videos\/size_200k_dl1--verbose\/content/, 'verbose logs the requests');
    const mainRequests = server.requests.filter((request) => request.origin === 'main');
    assert.ok(mainRequests.length > 0 && mainRequests.every((request) => request.headers['authorization'] === `Bearer ${key}`), 'the API origin gets the key');
  });

  it('failures (not found, not ready, a refused key, a dead server) print no key, with or without --json', async () => {
    for (const [args, code] of [
      [['download', 'nothing_here', '--dir', root], 4],
      [['download', 'never_x', '--dir', root], 5],
      [['head', 'vid_x', '--base-url', 'http://127.0.0.1:9', '--retries', '0'], 8],
      [['download', 'vid_x', '--dir', root, '--base-url', 'http://127.0.0.1:9', '--retries', '0', '--json', '--verbose'], 8],
    ] as const) {
      const ran = keep(args.join(' '), await runCli([...args], { env }));
      assert.equal(ran.code, code, ran.stderr);
    }
    const refused = keep('a key the server refuses', await runCli(['download', 'vid_x', '--dir', root, '--json', '--verbose'], { env: { ...env, EZVIDEO_API_KEY: `${key}-wrong` } }));
    assert.equal(refused.code, 3, refused.stderr);
  });

  it('a server that quotes the key back in its error: [redacted] on stderr and in --json on stdout', async () => {
    server.setFaults('vid_echo', { echoAuthorization: true });
    for (const command of [['download', 'vid_echo', '--dir', root], ['head', 'vid_echo'], ['wait', 'vid_echo']]) {
      const ran = keep(`echo: ${command[0] ?? ''}`, await runCli([...command, '--json', '--verbose'], { env }));
      assert.equal(ran.code, 3, ran.stderr);
      assert.match(ran.stderr + ran.stdout, /Invalid token: Bearer \[redacted\]/);
      assertNoKey(`${command[0] ?? ''} --json, stdout`, ran.stdout);
    }
  });

  it('a redirect to another origin: the target never receives the key; --verbose says it was dropped', async () => {
    server.setFaults('size_300k_moved', { redirect: 'second-origin' });
    const ran = keep('redirect', await runCli(['download', 'size_300k_moved', '--dir', root, '--verbose', '--json'], { env }));
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /redirected to another origin \(http:\/\/127\.0\.0\.1:\d+\): Authorization dropped/);
    assert.equal(await fileSha256(join(root, 'size_300k_moved.mp4')), await servedSha256(server, 'size_300k_moved'));
    const targetRequests = server.secondOrigin.requests;
    assert.ok(targetRequests.length > 0);
    for (const request of targetRequests) {
      assert.equal(request.headers['authorization'], undefined);
      for (const value of Object.values(request.headers)) assertNoKey('a header sent to the other origin', value);
      assertNoKey('a URL on the other origin', `${request.path}?${JSON.stringify(request.query)}`);
    }
  });

  it('a killed download leaves part, state and lock files without the key', async () => {
    const dir = join(root, 'killed');
    const path = join(dir, 'out.mp4');
    server.setFaults('size_1m_killed', { throttle: 512 * 1024 });
    await mkdir(dir, { recursive: true });
    const running = spawnCli(['download', 'size_1m_killed', '-o', path], { env });
    assert.ok(await waitUntil(() => sizeOf(sidecars(path).part) > 0 && sizeOf(sidecars(path).lock) > 0, 10_000), running.stderr());
    running.child.kill('SIGKILL');
    keep('killed', await running.done);
    const files = filesUnder(dir).map((file) => file.path).sort();
    assert.deepEqual(files, [sidecars(path).part, sidecars(path).state, sidecars(path).lock].sort());
    // The file check itself happens in `after`, over everything under the root.
  });

  it('the library: errors and events carry no key, even from a server that quotes it', async () => {
    const client = new VideoApiClient({ baseUrl: server.baseUrl, apiKey: key, timeouts: { headersMs: 5_000, bodyIdleMs: 5_000 } });
    const log = eventLog();
    server.setFaults('vid_libecho', { echoAuthorization: true });
    const failure = await downloadVideo('vid_libecho', { client, output: { kind: 'file', path: join(root, 'lib.mp4'), renameByType: false }, retry: fastRetry, onEvent: log.sink }).then(
      () => assert.fail('a 401 must fail'),
      (error: unknown) => error as Error,
    );
    assert.match(failure.message, /Invalid token: Bearer \[redacted\]/);
    const statusFailure = await client.getVideo('vid_libecho').then(
      () => assert.fail('a 401 must fail'),
      (error: unknown) => error as Error,
    );
    const ok = await downloadVideo('size_64k_lib', { client, output: { kind: 'file', path: join(root, 'lib-ok.mp4'), renameByType: false }, retry: fastRetry, onEvent: log.sink });
    await client.close();
    for (const error of [failure, statusFailure]) {
      seen.push({ label: 'library error', text: `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${String((error as { cause?: unknown }).cause ?? '')}` });
    }
    seen.push({ label: 'library events and result', text: JSON.stringify([log.events, ok]) });
    assertNoKey('the client, as console.log would show it', inspect(client, { showHidden: true, depth: 6 }));
  });

  it('the key from a file or from stdin: it works, and it is not in the process arguments', async () => {
    // Beside the outputs, not among them: this file is meant to hold the key.
    const keyFile = join(await tempDir(), 'key.txt');
    await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
    const noKeyEnv = cleanEnv({ EZVIDEO_BASE_URL: server.baseUrl });
    const fromFile = keep('--api-key-file', await runCli(['--api-key-file', keyFile, 'head', 'vid_x', '--json'], { env: noKeyEnv }));
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const fromStdin = keep('--api-key-file -', await runCli(['--api-key-file', '-', 'head', 'vid_x', '--json'], { env: noKeyEnv, stdin: `${key}\n` }));
    assert.equal(fromStdin.code, 0, fromStdin.stderr);

    // What `ps` shows is /proc/<pid>/cmdline: read it while a download runs.
    server.setFaults('size_1m_ps', { throttle: 512 * 1024 });
    const path = join(root, 'ps.mp4');
    const running = spawnCli(['--api-key-file', keyFile, 'download', 'size_1m_ps', '-o', path], { env: noKeyEnv });
    assert.ok(await waitUntil(() => sizeOf(sidecars(path).part) > 0, 10_000), running.stderr());
    const cmdline = readFileSync(`/proc/${running.child.pid ?? 0}/cmdline`, 'utf8');
    assert.match(cmdline, /size_1m_ps/);
    assertNoKey('/proc/<pid>/cmdline', cmdline);
    const done = keep('download --api-key-file', await running.done);
    assert.equal(done.code, 0, done.stderr);
  });

  it('config: the file is 0600, the key is shown masked, and `config set api-key -` reads it from stdin', async () => {
    const configEnv = cleanEnv({ EZVIDEO_BASE_URL: server.baseUrl });
    const set = keep('config set from stdin', await runCli(['config', 'set', 'api-key', '-'], { env: configEnv, stdin: `${key}\n` }));
    assert.equal(set.code, 0, set.stderr);
    const path = keep('config path', await runCli(['config', 'path'], { env: configEnv })).stdout.trim();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), new RegExp(key), 'the key itself is stored, for later runs');
    assert.equal(keep('config get', await runCli(['config', 'get', 'api-key'], { env: configEnv })).stdout, `sk-…${key.slice(-4)}\n`);
    assert.match(keep('config list', await runCli(['config', 'list'], { env: configEnv })).stdout, /^api-key=sk-…/m);
    const used = keep('head with the stored key', await runCli(['head', 'vid_x', '--verbose'], { env: configEnv }));
    assert.equal(used.code, 0, used.stderr);
  });
});
