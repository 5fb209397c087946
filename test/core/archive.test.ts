import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ArchiveEntry, DownloadArchive } from '../../src/core/archive.js';
import { EzvideoError } from '../../src/errors.js';
import { removeTempDirs, tempDir } from '../helpers/download-sim.js';

after(removeTempDirs);

const execFileAsync = promisify(execFile);
const fields = ['id', 'variant', 'path', 'bytes', 'sha256', 'time'];

function entry(id: string, overrides: Partial<ArchiveEntry> = {}): ArchiveEntry {
  return { id, variant: 'video', path: `/videos/${id}.mp4`, bytes: 1234, sha256: 'ab'.repeat(32), time: '2026-12-02T18:00:00.000Z', ...overrides };
}

/** The archive's lines, each parsed; a line that is not JSON fails the test. */
async function lines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'the archive ends with a whole line');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The lines of an archive that appenders raced on: blank lines are allowed (an appender that
 * sees a rival's line half written starts its own with a `\n`: see DownloadArchive#write), and
 * every other line must be one whole entry.
 */
async function raceLines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'the archive ends with a whole line');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const exists = (path: string): Promise<boolean> => access(path).then(
  () => true,
  () => false,
);

/** The archive's failure: exit 9, one line that names the archive. */
function archiveFailure(path: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof EzvideoError, String(error));
    assert.equal(error.exitCode, 9);
    assert.ok(error.message.includes(path), error.message);
    assert.ok(!error.message.includes('\n'), error.message);
    assert.ok(error.hint !== undefined && error.hint !== '');
    return true;
  };
}

const asRoot = process.getuid?.() === 0;

describe('DownloadArchive', () => {
  it('round trip: one line per entry with exactly its six fields, has() true after append, a reopen sees every entry', async () => {
    const path = join(await tempDir(), 'not', 'yet', 'archive.jsonl');
    const archive = await DownloadArchive.open(path);
    assert.equal(archive.path, path);
    assert.equal(archive.has('vid_a', 'video'), false);
    await archive.append(entry('vid_a'));
    assert.equal(archive.has('vid_a', 'video'), true);
    assert.equal(archive.has('vid_a', 'thumbnail'), false, 'keyed by id and variant');
    await archive.append(entry('vid_a', { variant: 'thumbnail', path: '/videos/vid_a.jpg', sha256: undefined }));
    assert.equal(archive.has('vid_a', 'thumbnail'), true);
    await archive.close();

    const written = await lines(path);
    assert.deepEqual(written.map((line) => Object.keys(line)), [fields, fields]);
    assert.deepEqual(written[0], { ...entry('vid_a') });
    assert.deepEqual(written[1], { ...entry('vid_a', { variant: 'thumbnail', path: '/videos/vid_a.jpg' }), sha256: null });

    const reopened = await DownloadArchive.open(path);
    assert.deepEqual([reopened.has('vid_a', 'video'), reopened.has('vid_a', 'thumbnail'), reopened.has('vid_a', 'spritesheet'), reopened.has('vid_b', 'video')], [true, true, false, false]);
    await reopened.append(entry('vid_b'));
    await reopened.close();
    assert.deepEqual((await lines(path)).map((line) => line['id']), ['vid_a', 'vid_a', 'vid_b']);
  });

  it('a missing file is an empty archive, and opening and closing it creates nothing', async () => {
    const dir = join(await tempDir(), 'later');
    const archive = await DownloadArchive.open(join(dir, 'archive.jsonl'));
    assert.equal(archive.has('vid_a', 'video'), false);
    await archive.close();
    assert.equal(await exists(dir), false);
  });

  it('a torn last line is ignored, and the next append lands as a line of its own', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    const archive = await DownloadArchive.open(path);
    await archive.append(entry('vid_a'));
    await archive.close();
    const whole = await readFile(path, 'utf8');
    await appendFile(path, '{"id":"vid_torn","variant":"video","path":"/videos/vid_to');

    const reopened = await DownloadArchive.open(path);
    assert.deepEqual([reopened.has('vid_a', 'video'), reopened.has('vid_torn', 'video')], [true, false]);
    await reopened.append(entry('vid_b'));
    assert.equal(reopened.has('vid_b', 'video'), true);
    await reopened.close();

    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith(whole), 'the whole lines are kept as they were');
    const after = text.slice(whole.length).split('\n');
    assert.equal(after.length, 3, text);
    assert.equal(after[0], '{"id":"vid_torn","variant":"video","path":"/videos/vid_to', 'the fragment is left alone');
    assert.deepEqual(JSON.parse(after[1] ?? ''), { ...entry('vid_b') }, 'the new entry is a line of its own');
    assert.equal(after[2], '');

    const third = await DownloadArchive.open(path);
    assert.deepEqual([third.has('vid_a', 'video'), third.has('vid_b', 'video'), third.has('vid_torn', 'video')], [true, true, false]);
    await third.close();
  });

  it('a write cut short (a file size limit, as a full disk does) fails exit 9 and leaves a torn line, which the next append does not continue', { skip: process.platform === 'win32' && 'no ulimit' }, async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    // 1,000 bytes, so a line of about 1,400 crosses the limit whether `ulimit -f 2` counts in 512-
    // or 1,024-byte blocks.
    const first = JSON.stringify(entry('vid_a', { path: '' }));
    await writeFile(path, `${JSON.stringify(entry('vid_a', { path: 'p'.repeat(999 - first.length) }))}\n`);
    assert.equal((await readFile(path)).length, 1000);
    const helper = fileURLToPath(new URL('../helpers/archive-append-one.js', import.meta.url));
    const { stdout } = await execFileAsync('/bin/sh', ['-c', 'ulimit -f 2 && exec "$0" "$@"', process.execPath, helper, path, 'vid_cut']);
    const outcome = JSON.parse(stdout) as { ok: boolean; has: boolean; exitCode: number; message: string };
    assert.deepEqual([outcome.ok, outcome.has, outcome.exitCode], [false, false, 9], stdout);
    assert.match(outcome.message, /bytes of a line were written/);
    assert.ok(outcome.message.includes(path), outcome.message);
    const cut = await readFile(path, 'utf8');
    assert.ok(cut.length > 1000 && !cut.endsWith('\n'), 'a part of the line reached the file');

    const archive = await DownloadArchive.open(path);
    assert.deepEqual([archive.has('vid_a', 'video'), archive.has('vid_cut', 'video')], [true, false]);
    await archive.append(entry('vid_b'));
    await archive.close();
    const text = await readFile(path, 'utf8');
    assert.equal(text.slice(0, cut.length), cut);
    assert.deepEqual(JSON.parse(text.slice(cut.length + 1)), { ...entry('vid_b') }, 'after a newline of its own');
  });

  it('blank lines, garbage, JSON that is not an entry and entries without id or variant are skipped; unknown fields are allowed', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    await writeFile(
      path,
      [
        JSON.stringify(entry('vid_ok')),
        '',
        '   ',
        'not json at all',
        '{"id":"vid_half",',
        '[1,2,3]',
        'null',
        '"vid_string"',
        '{"id":"vid_novariant","path":"/x"}',
        '{"variant":"video","path":"/x"}',
        '{"id":"","variant":"video"}',
        '{"id":42,"variant":"video"}',
        '{"id":"vid_future","variant":"thumbnail","fps":24,"source":{"kind":"direct"}}',
        `${JSON.stringify(entry('vid_crlf'))}\r`,
        '',
      ].join('\n'),
    );
    const archive = await DownloadArchive.open(path);
    const known = ['vid_ok', 'vid_half', 'vid_string', 'vid_novariant', 'vid_future', 'vid_crlf'].filter((id) => archive.has(id, 'video') || archive.has(id, 'thumbnail'));
    assert.deepEqual(known, ['vid_ok', 'vid_future', 'vid_crlf']);
    assert.equal(archive.has('vid_future', 'thumbnail'), true);
    await archive.close();
  });

  it('concurrent appends within one process: every line whole, each entry once', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    const archive = await DownloadArchive.open(path);
    const ids = Array.from({ length: 300 }, (_, n) => `vid_${n}`);
    await Promise.all(ids.map((id) => archive.append(entry(id))));
    await archive.close();
    const written = await raceLines(path);
    assert.deepEqual(written.map((line) => line['id']).sort(), [...ids].sort());
  });

  it('close waits for the appends under way', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    const archive = await DownloadArchive.open(path);
    const appends = Array.from({ length: 20 }, (_, n) => archive.append(entry(`vid_${n}`)));
    await archive.close();
    await Promise.all(appends);
    assert.equal((await raceLines(path)).length, 20);
  });

  it('two processes appending 500 entries each at once, 8 at a time within each, lose and interleave no line', async () => {
    const dir = await tempDir();
    const path = join(dir, 'archive.jsonl');
    const appender = fileURLToPath(new URL('../helpers/archive-appender.js', import.meta.url));
    const count = 500;
    const run = (name: string, rival: string) => execFileAsync(process.execPath, [appender, path, dir, name, rival, String(count), '8']);
    await Promise.all([run('a', 'b'), run('b', 'a')]);

    const written = await raceLines(path);
    for (const line of written) assert.deepEqual(Object.keys(line), fields, JSON.stringify(line));
    const expected = ['a', 'b'].flatMap((name) => Array.from({ length: count }, (_, n) => `${name}-${n}`));
    assert.deepEqual(written.map((line) => line['id']).sort(), expected.sort(), 'every entry exactly once');
    const turns = written.filter((line, n) => n > 0 && String(line['id'])[0] !== String(written[n - 1]?.['id'])[0]).length;
    assert.ok(turns > 10, `the two processes' lines alternate ${turns} times: they really raced`);

    const archive = await DownloadArchive.open(path);
    assert.ok(expected.every((id) => archive.has(id, 'video')));
    await archive.close();
  });

  it('a 50,000-line archive opens at once and knows every entry', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    const ids = Array.from({ length: 50_000 }, (_, n) => `vid_${n.toString(36).padStart(12, '0')}`);
    await writeFile(path, ids.map((id) => `${JSON.stringify(entry(id, { path: `/home/ci/videos/batch-2026-12-02/${id}.mp4` }))}\n`).join(''));
    const started = performance.now();
    const archive = await DownloadArchive.open(path);
    const elapsed = performance.now() - started;
    assert.ok(ids.every((id) => archive.has(id, 'video')));
    await archive.close();
    // About 125 ms measured; the bound only catches a slide into work per line that grows with the file.
    assert.ok(elapsed < 3000, `opened in ${Math.round(elapsed)} ms`);
  });
});

describe('DownloadArchive: an archive that cannot be read or written is exit 9, naming it', () => {
  it('a folder at the path, when opened', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    await mkdir(path);
    await assert.rejects(DownloadArchive.open(path), archiveFailure(path));
  });

  it('a folder put at the path after the open, on the first append; the entry is not counted', async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    const archive = await DownloadArchive.open(path);
    await mkdir(path);
    await assert.rejects(archive.append(entry('vid_a')), archiveFailure(path));
    assert.equal(archive.has('vid_a', 'video'), false);
    await archive.close();
  });

  it('a file where its folder should be', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), '');
    const path = join(dir, 'file', 'archive.jsonl');
    await assert.rejects(DownloadArchive.open(path), archiveFailure(path));
  });

  it('a folder without permissions (not as root, who has them all)', { skip: asRoot && 'running as root' }, async () => {
    const dir = join(await tempDir(), 'locked');
    await mkdir(dir);
    await chmod(dir, 0o000);
    try {
      await assert.rejects(DownloadArchive.open(join(dir, 'archive.jsonl')), archiveFailure(join(dir, 'archive.jsonl')));
    } finally {
      await chmod(dir, 0o700);
    }
  });

  it('a read-only archive fails at the open, before any download (not as root)', { skip: asRoot && 'running as root' }, async () => {
    const path = join(await tempDir(), 'archive.jsonl');
    await writeFile(path, `${JSON.stringify(entry('vid_a'))}\n`);
    await chmod(path, 0o444);
    await assert.rejects(DownloadArchive.open(path), archiveFailure(path));
  });
});
