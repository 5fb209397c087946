import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startMockServer } from '../../src/mock/index.js';
import { cleanEnv, repoRoot, runCli } from '../helpers/run-cli.js';

/** Every command's --help, pinned: `help.txt` for the program, `help-<command>.txt` for the others. */
const helpPages: Array<{ args: string[]; fixture: string }> = [
  { args: [], fixture: 'help.txt' },
  ...['download', 'wait', 'create', 'head', 'verify', 'config', 'config set', 'config get', 'config unset', 'config list', 'config path', 'mock'].map((command) => ({
    args: command.split(' '),
    fixture: `help-${command.replace(' ', '-')}.txt`,
  })),
];
const fixture = (name: string): string => readFileSync(join(repoRoot, 'test', 'e2e', 'fixtures', name), 'utf8');
const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('ezvideo (spawned binary): the basics', () => {
  for (const page of helpPages) {
    it(`ezvideo ${page.args.join(' ')} --help prints the pinned help on stdout, exit 0`, async () => {
      // Piped, commander wraps at 80 columns whatever the terminal: the pinned text is exact.
      const run = await runCli([...page.args, '--help']);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, fixture(page.fixture), `help changed: update test/e2e/fixtures/${page.fixture} and the README together`);
      assert.equal(run.stderr, '');
    });
  }

  it('config: set and unset say what they did on stderr, get prints the value alone, list --json is one object, an unset key is exit 4', async () => {
    const env = cleanEnv();
    const set = await runCli(['config', 'set', 'base-url', 'https://gw.example'], { env });
    assert.deepEqual([set.code, set.stdout], [0, '']);
    assert.match(set.stderr, /^stored base-url=https:\/\/gw\.example in .*config\.json\n$/);
    const key = await runCli(['config', 'set', 'api-key', 'sk-config-0123456789'], { env });
    assert.doesNotMatch(key.stderr, /sk-config-0123456789/, 'the key is shown masked');
    const list = await runCli(['config', 'list', '--json'], { env });
    assert.deepEqual(JSON.parse(list.stdout), { 'api-key': 'sk-…6789', 'base-url': 'https://gw.example' });
    const get = await runCli(['config', 'get', 'base-url'], { env });
    assert.deepEqual([get.code, get.stdout, get.stderr], [0, 'https://gw.example\n', '']);
    const unset = await runCli(['config', 'unset', 'base-url'], { env });
    assert.match(unset.stderr, /^removed base-url from /);
    const missing = await runCli(['config', 'get', 'base-url'], { env });
    assert.equal(missing.code, 4);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^error: base-url is not set in .*\nhint: Store it with `ezvideo config set base-url <value>`/);
    const quiet = await runCli(['--quiet', 'config', 'set', 'source', 'gateway'], { env });
    assert.deepEqual([quiet.code, quiet.stderr], [0, '']);
  });

  it('--version prints the package version, exit 0', async () => {
    const run = await runCli(['--version']);
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, `${packageVersion}\n`, '']);
  });

  it('an unknown flag is a usage error (2) with a hint, nothing on stdout', async () => {
    const run = await runCli(['download', 'vid_1', '--bogus']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, "error: unknown option '--bogus'\nhint: Run `ezvideo download --help` for its flags and arguments.\n");
  });

  it('a bad flag value is a usage error (2) naming the flag', async () => {
    const run = await runCli(['download', 'vid_1', '--concurrency', '-3']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--concurrency/);
  });

  it('a missing key is exit 3 with the three ways to set one', async () => {
    const run = await runCli(['head', 'vid_1']);
    assert.equal(run.code, 3);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: no API key\nhint: .*--api-key .*EZVIDEO_API_KEY.*ezvideo config set api-key/);
  });

  it('an unsafe id is refused (2) before any request', async () => {
    const run = await runCli(['head', '../etc', '--api-key', 'k', '--base-url', 'http://127.0.0.1:9']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: invalid task id "\.\.\/etc"/);
  });

  it('no command at all is a usage error (2)', async () => {
    const run = await runCli([]);
    assert.equal(run.code, 2);
  });

  it('config: set, get (masked), list, unset; the file is 0600', async () => {
    const env = cleanEnv();
    const key = 'sk-test-1234567890abcdef';
    assert.equal((await runCli(['config', 'set', 'api-key', key], { env })).code, 0);
    assert.equal((await runCli(['config', 'set', 'base-url', 'http://127.0.0.1:1234'], { env })).code, 0);
    const got = await runCli(['config', 'get', 'api-key'], { env });
    assert.equal(got.stdout, 'sk-…cdef\n');
    assert.ok(!got.stdout.includes(key));
    const list = await runCli(['config', 'list'], { env });
    assert.equal(list.stdout, 'api-key=sk-…cdef\nbase-url=http://127.0.0.1:1234\n');
    const path = (await runCli(['config', 'path'], { env })).stdout.trim();
    assert.equal(path, join(env['EZVIDEO_CONFIG_DIR'] ?? '', 'config.json'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal((await runCli(['config', 'unset', 'api-key'], { env })).code, 0);
    assert.equal((await runCli(['config', 'get', 'api-key'], { env })).stdout, '');
  });

  it('config refuses unknown settings and non-http base URLs (2)', async () => {
    const env = cleanEnv();
    assert.equal((await runCli(['config', 'set', 'colour', 'x'], { env })).code, 2);
    assert.equal((await runCli(['config', 'set', 'base-url', 'ftp://x'], { env })).code, 2);
  });

  it('head --json: one JSON object on stdout, nothing on stderr, exit 0', async () => {
    const server = await startMockServer({ profile: 'ezmodel' });
    try {
      const run = await runCli(['head', 'size_1m_e2e', '--json'], {
        env: cleanEnv({ EZVIDEO_API_KEY: 'sk-e2e-key-000111', EZVIDEO_BASE_URL: server.baseUrl }),
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.split('\n');
      assert.equal(lines.length, 2, 'one line and its newline');
      const info = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      assert.deepEqual([info['id'], info['size'], info['method'], info['ranges']], ['size_1m_e2e', 1024 * 1024, 'GET', 'ignored']);
    } finally {
      await server.close();
    }
  });
});
