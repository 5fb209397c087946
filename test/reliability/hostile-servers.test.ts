/**
 * Hostile or broken servers, met by the real binary: each is handled with a bounded effort (a
 * time limit per case, a bounded number of requests), one clear `error:` line with the
 * documented exit code, and no file written anywhere but the target folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type Faults, type MockServer } from '../../src/mock/index.js';
import { contentRequests, fileSha256, removeTempDirs, servedSha256, tempDir, testKey } from '../helpers/download-sim.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

/** Every path under `root`, folders included, relative to it. */
function treeOf(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return [relative(root, path), ...(entry.isDirectory() ? treeOf(root, path) : [])];
  });
}

interface HostileCase {
  name: string;
  id: string;
  faults: Faults;
  /** The command, given the target folder. */
  args: (target: string) => string[];
  exit: number;
  /** The `error:` line (its text after `error: `). */
  error?: RegExp;
  /** Longest the whole command may take. */
  maxMs: number;
  /** Most content requests the server may see. */
  maxRequests?: number;
  /** What must be in the target folder afterwards. */
  files?: (id: string) => string[];
  /**
   * The files may also be none at all, when the last transfer may legitimately leave nothing to
   * resume from (see the case). A second run, without the faults, then proves that what was left
   * is what the client kept: it resumes from exactly the part's bytes, or starts from zero.
   */
  orNothing?: boolean;
}

const cases: HostileCase[] = [
  {
    name: 'malformed JSON on a status call',
    id: 'vid_garbled',
    faults: { malformedJson: true },
    args: () => ['wait', 'vid_garbled', '--timeout', '20s'],
    exit: 8,
    error: /^vid_garbled: status: the server answered with something that is not JSON$/,
    maxMs: 5_000,
  },
  {
    name: 'an HTML error page from a proxy (502, every time)',
    id: 'vid_html502',
    faults: { failFirst: { count: Infinity, status: 502, body: 'html' } },
    args: (target) => ['download', 'vid_html502', '--dir', target, '--retries', '2'],
    exit: 8,
    error: /^vid_html502: GET content: server error \(HTTP 502\): 502 Bad Gateway$/,
    maxMs: 10_000,
    maxRequests: 3,
  },
  {
    name: 'an HTML 404 page from a proxy',
    id: 'vid_html404',
    faults: { failFirst: { count: Infinity, status: 404, body: 'html' } },
    args: (target) => ['download', 'vid_html404', '--dir', target],
    exit: 4,
    error: /^vid_html404: GET content: video not found \(HTTP 404\): 404 Not Found$/,
    maxMs: 5_000,
    maxRequests: 1,
  },
  {
    name: 'a Content-Range that starts elsewhere than asked (after a reset): restarted from zero, whole',
    id: 'size_1m_shifted',
    faults: { rangeStartShift: -4096, reset: { afterBytes: 300 * 1024, times: 1 }, throttle: 8 << 20 },
    args: (target) => ['download', 'size_1m_shifted', '--dir', target],
    exit: 0,
    maxMs: 10_000,
    maxRequests: 3,
    files: (id) => [`${id}.mp4`],
  },
  {
    name: 'a Content-Range elsewhere on every resume, a reset on every try',
    id: 'size_1m_alwaysshifted',
    faults: { rangeStartShift: 4096, reset: { seed: 11 }, throttle: 8 << 20 },
    args: (target) => ['download', 'size_1m_alwaysshifted', '--dir', target, '--retries', '3'],
    exit: 8,
    // Which of the two the client is told depends on timing, not on ezvideo: a reset that
    // reaches a busy client together with the last data is reported by libuv as a plain end of
    // the stream (undici: "other side closed"). Either way it is this one network error.
    error: /connection (reset|closed) by the server/,
    maxMs: 15_000,
    // Restarts are new attempts; attempts that moved the file forward are free, but bounded.
    maxRequests: 110,
    // Every resume is answered with another range, so every attempt starts the file over from
    // zero: what is left is what the client kept of the last transfer before its reset. The
    // server sends the same bytes every run (the reset offsets are seeded: 41,377 bytes last),
    // but a reset drops what is still on its way (the server's unsent socket buffer, what undici
    // read but the download had not taken yet), so a client slowed by a loaded machine can keep
    // none of them; the part is then empty and removed, as one that never received a byte is
    // (PartFile.dispose). Both outcomes are right; `orNothing` has a second run prove which one.
    files: (id) => [`${id}.mp4.part`, `${id}.mp4.part.json`],
    orNothing: true,
  },
  {
    name: 'a Content-Length shorter than the body (a body far larger than announced)',
    id: 'size_2m_long',
    faults: { lengthTooShort: 2 * 1024 * 1024 - 1024 },
    args: (target) => ['download', 'size_2m_long', '--dir', target],
    exit: 9,
    error: /^size_2m_long: the server sent a complete but broken file: /,
    maxMs: 5_000,
    maxRequests: 1,
  },
  {
    name: 'a Content-Length longer than the body, every time: the part is kept for a resume',
    id: 'size_1m_lying',
    faults: { shortBody: { missingBytes: 1000 }, throttle: 8 << 20 },
    args: (target) => ['download', 'size_1m_lying', '--dir', target, '--retries', '2'],
    exit: 8,
    error: /size_1m_lying.*connection closed by the server/,
    maxMs: 10_000,
    files: (id) => [`${id}.mp4.part`, `${id}.mp4.part.json`],
  },
  {
    name: 'an absurd Retry-After (a day, in seconds): not waited for',
    id: 'vid_later',
    faults: { failFirst: { count: Infinity, status: 429, retryAfterSeconds: 86_400 } },
    args: (target) => ['download', 'vid_later', '--dir', target],
    exit: 8,
    error: /asks to retry after 24h00m, more than the 5m00s ezvideo waits$/,
    maxMs: 3_000,
    maxRequests: 1,
  },
  {
    name: 'an absurd Retry-After (a year away, as an HTTP date)',
    id: 'vid_nextyear',
    faults: { failFirst: { count: Infinity, status: 503, retryAfterSeconds: 365 * 86_400, retryAfterFormat: 'http-date' } },
    args: (target) => ['download', 'vid_nextyear', '--dir', target],
    exit: 8,
    error: /asks to retry after \d{4}h\d{2}m, more than the 5m00s ezvideo waits$/,
    maxMs: 3_000,
    maxRequests: 1,
  },
  {
    name: 'a redirect loop: stops after 5 hops',
    id: 'vid_loop',
    faults: { redirect: 'loop' },
    args: (target) => ['download', 'vid_loop', '--dir', target],
    exit: 8,
    error: /^vid_loop: too many redirects \(more than 5\) from http:\/\/127\.0\.0\.1:\d+$/,
    maxMs: 3_000,
    maxRequests: 6,
  },
  ...(['file', 'ftp', 'javascript'] as const).map(
    (scheme): HostileCase => ({
      name: `a redirect to a ${scheme}: URL: refused, not followed`,
      id: `vid_to${scheme}`,
      faults: { redirect: `${scheme}-url` },
      args: (target) => ['download', `vid_to${scheme}`, '--dir', target],
      exit: 8,
      error: new RegExp(`^vid_to${scheme}: refused a redirect to a ${scheme}: URL \\(only http and https are followed\\)$`),
      maxMs: 3_000,
      maxRequests: 1,
    }),
  ),
  {
    name: 'a Content-Disposition with ../: never used as a path',
    id: 'vid_dotdot',
    faults: { contentDisposition: '../../escaped.mp4' },
    args: (target) => ['download', 'vid_dotdot', '--dir', target],
    exit: 0,
    maxMs: 5_000,
    files: (id) => [`${id}.mp4`],
  },
  {
    name: 'a never-ending in_progress: wait --timeout ends it',
    id: 'never_ending',
    faults: {},
    args: () => ['wait', 'never_ending', '--timeout', '1500ms'],
    exit: 5,
    error: /^never_ending: timed out after 1.5s \(still in_progress \d+%\)$/,
    maxMs: 5_000,
  },
  {
    name: 'a task that never finishes, through download --wait --timeout',
    id: 'vid_stuck',
    faults: { neverFinish: true },
    args: (target) => ['download', '--wait', 'vid_stuck', '--dir', target, '--timeout', '1s'],
    exit: 5,
    error: /^vid_stuck: timed out after 1.0s \(still in_progress \d+%\)$/,
    maxMs: 5_000,
    maxRequests: 0,
  },
];

describe('hostile or broken servers: bounded effort, a clear message, the documented exit code, nothing outside the target', () => {
  let server: MockServer;
  let root: string;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, generationTimeMs: 0 });
    root = await tempDir();
  });
  after(async () => {
    await server.close();
    await removeTempDirs();
  });

  /**
   * The same command again, the server now well-behaved: it must finish with the served file,
   * its first request asking for exactly the bytes after the part left (with the ETag as
   * If-Range), or for the whole file when nothing was left. A part that is not a valid start of
   * the file, or one left without its state, or an empty one, fails here.
   */
  async function resumesFromWhatWasLeft(row: HostileCase, cwd: string, target: string): Promise<void> {
    const partPath = join(target, `${row.id}.mp4.part`);
    const kept = existsSync(partPath) ? statSync(partPath).size : undefined;
    assert.notEqual(kept, 0, 'an empty part is not left behind');
    server.setFaults(row.id, {});
    const seen = contentRequests(server, row.id).length;
    const again = await runCli([...row.args(target), '--progress', 'none'], {
      cwd,
      env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl }),
      timeoutMs: row.maxMs + 5_000,
    });
    assert.equal(again.code, 0, again.stderr);
    const [first, ...rest] = contentRequests(server, row.id).slice(seen);
    assert.equal(rest.length, 0, 'one request');
    if (kept === undefined) {
      assert.equal(first?.range, undefined, 'nothing was left: the whole file is asked for');
      assert.equal(first?.status, 200);
    } else {
      assert.equal(first?.range, `bytes=${kept}-`, `the ${kept} bytes left are resumed from`);
      assert.equal(first?.headers['if-range'], server.payloadOf(row.id).etag);
      assert.equal(first?.status, 206);
    }
    assert.deepEqual(treeOf(target), [`${row.id}.mp4`]);
    assert.equal(await fileSha256(join(target, `${row.id}.mp4`)), await servedSha256(server, row.id));
  }

  for (const row of cases) {
    it(`${row.name}: exit ${row.exit}`, async () => {
      server.setFaults(row.id, row.faults);
      // The command runs in `cwd`; the target is a folder inside it; the root holds both.
      const cwd = join(root, row.id);
      const target = join(cwd, 'target');
      await mkdir(target, { recursive: true });
      const before = treeOf(root);
      const started = Date.now();
      const ran = await runCli([...row.args(target), '--progress', 'none'], {
        cwd,
        env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl }),
        timeoutMs: row.maxMs + 5_000,
      });
      const elapsed = Date.now() - started;
      assert.equal(ran.code, row.exit, ran.stderr);
      assert.ok(elapsed < row.maxMs, `bounded: took ${elapsed} ms`);
      if (row.error !== undefined) {
        const errors = ran.stderr.split('\n').filter((line) => line.startsWith('error: '));
        assert.equal(errors.length, 1, ran.stderr);
        assert.match(errors[0]?.slice('error: '.length) ?? '', row.error);
        assert.doesNotMatch(ran.stderr, /<html|\n\s+at /i, 'no HTML page or stack trace');
      }
      if (row.maxRequests !== undefined) {
        const seen = contentRequests(server, row.id).length;
        assert.ok(seen <= row.maxRequests, `${seen} content requests`);
      }
      const added = treeOf(root).filter((path) => !before.includes(path));
      const expected = (row.files?.(row.id) ?? []).map((name) => join(row.id, 'target', name));
      if (!(row.orNothing === true && added.length === 0)) {
        assert.deepEqual(added.sort(), expected.sort(), 'files written, and only in the target folder');
      }
      if (row.exit === 0) assert.equal(await fileSha256(join(target, `${row.id}.mp4`)), await servedSha256(server, row.id));
      if (row.orNothing === true) await resumesFromWhatWasLeft(row, cwd, target);
    });
  }

  it('a Content-Disposition with an absolute path: head shows only a sanitised base name; download writes <id>.mp4 in the target', async () => {
    const cwd = join(root, 'absolute');
    const target = join(cwd, 'target');
    await mkdir(target, { recursive: true });
    const outside = join(root, 'planted.mp4');
    server.setFaults('vid_absolute', { contentDisposition: outside });
    const env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
    const head = await runCli(['head', 'vid_absolute', '--json'], { cwd, env });
    assert.equal(head.code, 0, head.stderr);
    assert.equal((JSON.parse(head.stdout) as { fileName: string }).fileName, 'planted.mp4');
    const ran = await runCli(['download', 'vid_absolute', '--dir', target, '--progress', 'none'], { cwd, env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(treeOf(cwd).sort(), ['target', join('target', 'vid_absolute.mp4')]);
    assert.equal(existsSync(outside), false);
  });
});
