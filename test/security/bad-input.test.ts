/**
 * Bad input, flag by flag: every row is refused with the documented exit code (2 for usage, 9
 * for an output that cannot be written), one `error:` line that names the problem and one
 * `hint:` line, nothing on
 * stdout, no request where the input alone is wrong, and the files already there untouched.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { fileSha256, filesIn, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { type Mounted, readOnlyDir } from '../helpers/reliability-mounts.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

interface Row {
  args: string[];
  exit: 2 | 9;
  /** The text of the one `error:` line. */
  error: RegExp;
  /** Rows that can only be judged on the file system may reach the server; input rows never. */
  requests?: boolean;
  env?: Record<string, string>;
  /** Needs the read-only folder (skipped where none can be made). */
  readOnly?: boolean;
}

const badValue = (flag: string) => new RegExp(`^option '${flag}[^']*' argument '.*' is invalid\\. `);
const escaped = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const badId = (id: string) => new RegExp(`^invalid task id ${escaped(JSON.stringify(id))}$`);

/** The rows; `cwd` holds `existing.mp4`, `empty.txt`, `comments.txt`, `folder/` and `readonly/`. */
const rows: Row[] = [
  // counts
  ...['-1', '0', 'abc', '1.5', '1e3', '65', ''].map((value): Row => ({ args: ['download', 'vid_x', '--concurrency', value], exit: 2, error: badValue('--concurrency') })),
  ...['-1', 'x', '101', '2.0'].map((value): Row => ({ args: ['download', 'vid_x', '--retries', value], exit: 2, error: badValue('--retries') })),
  { args: ['head', 'vid_x', '--retries', '-2'], exit: 2, error: badValue('--retries') },
  // durations
  ...['5x', '-5s', '0', '0s', '', 'soon', '1y', '10 s'].map((value): Row => ({ args: ['download', 'vid_x', '--max-time', value], exit: 2, error: badValue('--max-time') })),
  ...['--idle-timeout', '--connect-timeout', '--response-timeout'].map((flag): Row => ({ args: ['download', 'vid_x', flag, 'abc'], exit: 2, error: badValue(flag) })),
  { args: ['wait', 'vid_x', '--interval', '0'], exit: 2, error: badValue('--interval') },
  { args: ['wait', 'vid_x', '--timeout', '-1'], exit: 2, error: badValue('--timeout') },
  { args: ['wait', 'vid_x', '--timeout', '3 parsecs'], exit: 2, error: badValue('--timeout') },
  // choices
  { args: ['download', 'vid_x', '--variant', '4k'], exit: 2, error: badValue('--variant') },
  { args: ['head', 'vid_x', '--variant', 'poster'], exit: 2, error: badValue('--variant') },
  { args: ['download', 'vid_x', '--progress', 'fancy'], exit: 2, error: badValue('--progress') },
  // base URLs that are not http(s)
  ...['ftp://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'example.com'].map((url): Row => ({ args: ['head', 'vid_x', '--base-url', url], exit: 2, error: badValue('--base-url') })),
  { args: ['head', 'vid_x'], env: { EZVIDEO_BASE_URL: 'ftp://example.com' }, exit: 2, error: /^invalid base URL "ftp:\/\/example\.com": only http and https are supported$/ },
  { args: ['head', 'vid_x'], env: { EZVIDEO_BASE_URL: 'example.com' }, exit: 2, error: /^invalid base URL "example\.com": not a URL$/ },
  // the same check for the settings file: a value that no command could use is never stored
  ...['ftp://example.com', 'example.com', 'http//example.com'].map((url): Row => ({ args: ['config', 'set', 'base-url', url], exit: 2, error: /^invalid base URL / })),
  // ids that would change the URL path, or that no server issues
  ...['a/b', '..', '.', '../etc/passwd', 'a b', 'a\u0001b', 'a\nb', 'a\tb', '%2e%2e', 'vid_x?x=1', 'vid#x', '\u00e9t\u00e9', ''].flatMap((id): Row[] => [
    { args: ['download', id], exit: 2, error: badId(id) },
    { args: ['head', id], exit: 2, error: badId(id) },
    { args: ['wait', id], exit: 2, error: badId(id) },
  ]),
  { args: ['download', '--input', 'bad-ids.txt'], exit: 2, error: badId('../up') },
  // id lists
  { args: ['download', '--input', 'empty.txt'], exit: 2, error: /^no task ids given$/ },
  { args: ['download', '--input', 'comments.txt'], exit: 2, error: /^no task ids given$/ },
  { args: ['wait', '--input', 'empty.txt'], exit: 2, error: /^no task ids given$/ },
  { args: ['download', '--input', 'missing.txt'], exit: 2, error: /^cannot read the id list missing\.txt: no such file or folder$/ },
  { args: ['download'], exit: 2, error: /^no task ids given$/ },
  // outputs
  { args: ['download', 'vid_x', '-o', 'existing.mp4'], exit: 2, error: /^vid_x: existing\.mp4 already exists$/ },
  { args: ['download', 'vid_x', '-o', 'folder'], exit: 2, error: /^vid_x: folder is a folder, not a file$/ },
  { args: ['download', 'vid_1', 'vid_2', '-o', 'out.mp4'], exit: 2, error: /^-o out\.mp4 names one output but 2 ids were given$/ },
  { args: ['download', 'vid_1', 'vid_2', '-o', '-'], exit: 2, error: /^-o - names one output but 2 ids were given$/ },
  { args: ['download', 'vid_x', '-o', 'out.mp4', '--dir', 'folder'], exit: 2, error: /^-o and --dir cannot be used together$/ },
  { args: ['download', 'vid_x', '--force', '--skip-existing'], exit: 2, error: /^--force and --skip-existing cannot be used together$/ },
  { args: ['download', 'vid_x', '--sha256', 'xyz'], exit: 2, error: /^--sha256 xyz is not a sha256 \(64 hex digits\)$/ },
  { args: ['download', 'vid_1', 'vid_2', '--sha256', 'a'.repeat(64)], exit: 2, error: /^--sha256 checks one file; give one id with it$/ },
  { args: ['download', 'vid_x', '--dir', 'existing.mp4'], exit: 9, error: /^vid_x: --dir existing\.mp4 is not a folder: a file of that name exists$/ },
  { args: ['download', 'vid_x', '-o', 'readonly/out.mp4'], exit: 9, error: /^vid_x: cannot write readonly\/out\.mp4: (read-only file system|permission denied)$/, readOnly: true },
  { args: ['download', 'vid_x', '--dir', 'readonly/sub'], exit: 9, error: /^vid_x: cannot write readonly\/sub: (read-only file system|permission denied)$/, readOnly: true },
  { args: ['download', 'vid_x', '-o', 'nowhere/out.mp4'], exit: 9, error: /^vid_x: cannot write nowhere\/out\.mp4: the folder nowhere does not exist$/ },
  // the key
  { args: ['--api-key-file', 'missing-key.txt', 'head', 'vid_x'], exit: 2, error: /^cannot read the API key file missing-key\.txt: no such file or folder$/ },
  { args: ['--api-key-file', 'empty.txt', 'head', 'vid_x'], exit: 2, error: /^the API key file empty\.txt is empty$/ },
];

describe('bad input: exit 2 or 9, one clear line, nothing on stdout, existing files untouched', () => {
  let server: MockServer;
  let cwd: string;
  let readOnly: Mounted | undefined;
  let existing: { sha: string; mtimeMs: number };
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey });
    cwd = await tempDir();
    await writeFile(join(cwd, 'existing.mp4'), 'an earlier download, to keep\n');
    await writeFile(join(cwd, 'empty.txt'), '');
    await writeFile(join(cwd, 'comments.txt'), '# nothing but comments\n\n   \n# and blank lines\n');
    await writeFile(join(cwd, 'bad-ids.txt'), 'vid_ok\n../up\n');
    await mkdir(join(cwd, 'folder'));
    readOnly = await readOnlyDir(join(cwd, 'readonly'));
    existing = { sha: await fileSha256(join(cwd, 'existing.mp4')), mtimeMs: statSync(join(cwd, 'existing.mp4')).mtimeMs };
  });
  after(async () => {
    await readOnly?.release();
    await server.close();
    await removeTempDirs();
  });

  for (const row of rows) {
    const label = `${row.args.map((arg) => JSON.stringify(arg)).join(' ')}${row.env ? ` (${Object.keys(row.env).join(', ')})` : ''}: exit ${row.exit}`;
    it(label, async (context) => {
      if (row.readOnly && readOnly === undefined) return context.skip('no read-only folder can be made here');
      const requestsBefore = server.requests.length;
      const ran = await runCli(row.args, { cwd, env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl, ...row.env }) });
      assert.equal(ran.code, row.exit, ran.stderr);
      assert.equal(ran.stdout, '', 'nothing on stdout');
      const errors = ran.stderr.split('\n').filter((line) => line.startsWith('error: '));
      assert.equal(errors.length, 1, ran.stderr);
      assert.match(errors[0]?.slice('error: '.length) ?? '', row.error);
      assert.equal(ran.stderr.split('\n').filter((line) => line.startsWith('hint: ')).length, 1, `one hint line: ${ran.stderr}`);
      assert.doesNotMatch(ran.stderr, /UND_ERR_|\bE[A-Z]{3,}: |, open '/, 'no library code or raw Node text');
      assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack trace');
      if (row.exit === 2) assert.equal(server.requests.length, requestsBefore, 'no request for a usage error');
      assert.equal(await fileSha256(join(cwd, 'existing.mp4')), existing.sha);
      assert.equal(statSync(join(cwd, 'existing.mp4')).mtimeMs, existing.mtimeMs);
      assert.deepEqual(filesIn(cwd), ['bad-ids.txt', 'comments.txt', 'empty.txt', 'existing.mp4', 'folder', 'readonly'], 'no file made or left');
      assert.deepEqual(filesIn(join(cwd, 'folder')), []);
      assert.deepEqual(filesIn(join(cwd, 'readonly')), []);
    });
  }
});
