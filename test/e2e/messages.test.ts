/**
 * One voice: every expected failure of the built binary, run on a pseudo-terminal (`script`,
 * so bars and spinners are live) and piped into a file, ends with the documented exit code,
 * exactly one `error:` line and one `hint:` line, the same words in both modes, no id twice on a
 * line, and no library code or raw Node error text.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';
import { runInPty } from '../helpers/run-in-pty.js';

interface Case {
  name: string;
  args: string[];
  exit: number;
  /** The words of the one error line. */
  error: RegExp;
  /** The ids the run is about: none may appear twice on one line. */
  ids?: string[];
  env?: Record<string, string>;
  /** Without EZVIDEO_API_KEY. */
  noKey?: boolean;
  /** More to check on the lines of each run. */
  also?: (lines: string[]) => void;
  /** What may differ between the two runs (a task seen later is further along), masked before they are compared. */
  varies?: RegExp;
}

const cases: Case[] = [
  { name: 'an unknown id', args: ['download', 'nope_j2'], ids: ['nope_j2'], exit: 4, error: /^nope_j2: / },
  { name: '--dir naming a file', args: ['download', 'vid_x', '--dir', 'a-file.txt'], ids: ['vid_x'], exit: 9, error: /^vid_x: --dir a-file\.txt is not a folder: a file of that name exists$/ },
  { name: '-o into a missing folder', args: ['download', 'vid_x', '-o', 'missing/folder/out.mp4'], ids: ['vid_x'], exit: 9, error: /^vid_x: cannot write missing\/folder\/out\.mp4: the folder missing\/folder does not exist$/ },
  { name: '--force with --skip-existing', args: ['download', 'vid_x', '--force', '--skip-existing'], exit: 2, error: /cannot be used together/ },
  { name: 'a --sha256 that is not one', args: ['download', 'vid_x', '--sha256', 'abc'], exit: 2, error: /is not a sha256/ },
  { name: 'a base URL that is not http', args: ['config', 'set', 'base-url', 'ftp://x'], exit: 2, error: /^invalid base URL/ },
  { name: 'a missing --api-key-file', args: ['--api-key-file', 'no-such-key.txt', 'download', 'vid_x'], exit: 2, error: /^cannot read the API key file no-such-key\.txt: no such file or folder$/ },
  { name: 'no API key', args: ['download', 'vid_x'], noKey: true, exit: 3, error: /^no API key$/ },
  { name: 'a refused key in wait', args: ['wait', 'vid_x'], ids: ['vid_x'], env: { EZVIDEO_API_KEY: 'sk-wrong-key-0000' }, exit: 3, error: /^vid_x: / },
  { name: 'a wait that times out', args: ['wait', 'never_c', '--timeout', '1s'], ids: ['never_c'], exit: 5, error: /^never_c: timed out after 1\.0s \(still / , varies: /\(still .*\)$/ },
  { name: 'a generation that failed', args: ['wait', 'fail_g'], ids: ['fail_g'], exit: 6, error: /^fail_g: the generation failed: / },
  { name: 'a batch with one failure', args: ['wait', 'vid_b1', 'fail_b2'], ids: ['vid_b1', 'fail_b2'], exit: 6, error: /^1 of 2 ids failed; the first: fail_b2: the generation failed: / },
  { name: 'download --wait of a failed generation', args: ['download', '--wait', 'fail_d', '--dir', 'out'], ids: ['fail_d'], exit: 6, error: /^fail_d: the generation failed/ },
  { name: 'verify of a missing file', args: ['verify', 'missing.mp4'], exit: 9, error: /^1 of 1 file failed verification$/ },
  { name: 'verify of a damaged file', args: ['verify', 'damaged.mp4'], exit: 9, error: /^1 of 1 file failed verification$/ },
  { name: 'an out-of-range flag value', args: ['download', 'vid_x', '--connections', '99'], exit: 2, error: /^option '--connections <n>' argument '99' is invalid\. Expected a whole number from 1 to 16\.$/ },
  { name: 'a mistyped flag', args: ['download', 'vid_x', '--dri', 'out'], exit: 2, error: /^unknown option '--dri' \(did you mean --dir\?\)$/ },
  { name: 'a mistyped command', args: ['downlod', 'vid_x'], exit: 2, error: /^unknown command 'downlod' \(did you mean download\?\)$/ },
  { name: 'config get of an unset key', args: ['config', 'get', 'base-url'], exit: 4, error: /^base-url is not set in / },
  { name: 'head of an unknown id', args: ['head', 'nope_h'], ids: ['nope_h'], exit: 4, error: /^nope_h: / },
  { name: 'a server that does not speak HTTP', args: ['download', 'vid_x', '--base-url', '{garbage}', '--retries', '1'], ids: ['vid_x'], exit: 8, error: /^vid_x: GET \S+: the server sent a malformed HTTP response$/ },
  { name: 'a reset on every try', args: ['download', '--wait', 'size_1m_rr', '--dir', '{fresh}', '--source', 'gateway', '--retries', '1'], ids: ['size_1m_rr'], exit: 8, error: /^size_1m_rr: download: connection reset by the server$/ },
  { name: 'a transfer cut short on every try', args: ['download', '--wait', 'size_1m_cc', '--dir', '{fresh}', '--source', 'gateway', '--retries', '1'], ids: ['size_1m_cc'], exit: 9, error: /^size_1m_cc: the download is incomplete on every attempt: / },
  {
    name: 'a batch whose second id fails before any request',
    args: ['download', 'nope_z', 'vid_e2', '--dir', 'out'],
    ids: ['nope_z', 'vid_e2'],
    exit: 4,
    error: /^2 of 2 ids failed; the first: nope_z: /,
    also: (lines) => assert.ok(lines.some((line) => /^vid_e2: download failed: \S+ already exists$/.test(line)), lines.join('\n')),
  },
  { name: 'create without a prompt', args: ['create', '--model', 'sora-2'], exit: 2, error: /^no prompt given$/ },
  { name: 'a create manifest line with a typo', args: ['create', '--input', 'bad-jobs.jsonl'], exit: 2, error: /^bad-jobs\.jsonl line 2: unknown field "promt"$/ },
  { name: 'a create whose remix task does not exist', args: ['create', '--prompt', 'x', '--remix', 'nope_r'], exit: 4, error: /^create: nope_r: remix: video not found / },
  { name: 'a host that does not resolve', args: ['download', 'vid_x', '--base-url', 'http://no-such-host.invalid'], exit: 8, error: /no-such-host\.invalid.*: (host not found|DNS lookup failed)$/,
    // Retried briefly: 3 retries (a few seconds), not the 8 of the usual budget.
    also: (lines) => assert.equal(lines.filter((line) => / attempt \d+ failed: /.test(line)).length, 3, lines.join('\n')) },
];

/**
 * The lines a person reads: a spinner's or a bar's redraw (the cursor sent to column 1 or up a
 * line, the line erased) starts a new line, then the escape codes go.
 */
function linesOf(output: string): string[] {
  return stripVTControlCharacters(output.replace(/\x1b\[\d*[GAK]|\x1b\[\d*;?\d*[HJ]/g, '\n'))
    .split(/\r\n|\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
}

function judge(what: string, row: Case, code: number | null, output: string): { error: string; hint: string } {
  const lines = linesOf(output);
  const shown = `${what}:\n${lines.join('\n')}`;
  assert.equal(code, row.exit, shown);
  const errors = lines.filter((line) => line.startsWith('error: '));
  const hints = lines.filter((line) => line.startsWith('hint: '));
  assert.equal(errors.length, 1, `one error line: ${shown}`);
  assert.equal(hints.length, 1, `one hint line: ${shown}`);
  assert.match(errors[0]?.slice('error: '.length) ?? '', row.error, shown);
  assert.doesNotMatch(output, /UND_ERR_|ERR_[A-Z_]{4,}|\bE[A-Z]{3,}: |, open '|\n\s+at /, `no library code or raw Node text: ${shown}`);
  for (const id of row.ids ?? []) {
    // The id as a word: inside a URL or a file name (`/v1/videos/<id>/content`, `out/<id>.mp4`) it is not said again.
    const said = new RegExp(`(?<![/\\w])${id}(?![\\w./])`, 'g');
    for (const line of lines) assert.ok((line.match(said)?.length ?? 0) <= 1, `${id} twice on one line: ${line}`);
  }
  // Said once: the error's words do not appear a second time on another line (a retry's line
  // says why that attempt failed, which is news of its own).
  const words = errors[0]?.slice('error: '.length).replace(/^\S+: /, '') ?? '';
  assert.equal(lines.filter((line) => line.includes(words) && !/ attempt \d+ failed: /.test(line)).length, 1, `the failure said once: ${shown}`);
  row.also?.(lines);
  return { error: errors[0] ?? '', hint: hints[0] ?? '' };
}

describe('one voice: each failure on a terminal and in a log', () => {
  let server: MockServer;
  let cwd: string;
  /** A TCP server that answers every request with bytes that are not HTTP. */
  let garbage: Server;
  /** `{garbage}` is its URL; `{fresh}` a new empty folder for each run. */
  const argsOf = async (row: Case): Promise<string[]> =>
    Promise.all(row.args.map(async (arg) => (arg === '{garbage}' ? `http://127.0.0.1:${(garbage.address() as AddressInfo).port}` : arg === '{fresh}' ? tempDir() : arg)));
  before(async () => {
    server = await startMockServer({ profile: 'ezmodel', key: testKey, generationTimeMs: 300 });
    cwd = await tempDir();
    await writeFile(join(cwd, 'a-file.txt'), 'not a folder\n');
    await writeFile(join(cwd, 'damaged.mp4'), Buffer.from('00000020667479706973366d', 'hex'));
    await writeFile(join(cwd, 'bad-jobs.jsonl'), '{"prompt":"fine"}\n{"promt":"a typo"}\n');
    await mkdir(join(cwd, 'out'));
    await writeFile(join(cwd, 'out', 'vid_e2.mp4'), 'an earlier download\n');
    server.setFaults('size_1m_rr', { reset: { afterBytes: 5000 } });
    server.setFaults('size_1m_cc', { chunkedCut: { atByte: 10_000 } });
    garbage = createServer((socket) => socket.end('garbage\r\n\r\n'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    garbage.close();
    await server.close();
    await removeTempDirs();
  });

  for (const row of cases) {
    it(`${row.name}: exit ${row.exit}, one error and one hint, the same words with and without a terminal`, async () => {
      const env = cleanEnv({ EZVIDEO_BASE_URL: server.baseUrl, ...(row.noKey ? {} : { EZVIDEO_API_KEY: testKey }), ...row.env });
      const piped = await runCli(await argsOf(row), { cwd, env });
      const inLog = judge('piped', row, piped.code, piped.stderr + piped.stdout);
      const tty = await runInPty(await argsOf(row), env, 60_000, cwd);
      const onTerminal = judge('on a terminal', row, tty.code, tty.output);
      const masked = (words: { error: string; hint: string }) => (row.varies === undefined ? words : { error: words.error.replace(row.varies, '(...)'), hint: words.hint });
      assert.deepEqual(masked(onTerminal), masked(inLog), 'the same words in both modes');
    });
  }
});
