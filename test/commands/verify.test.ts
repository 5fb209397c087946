import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { runVerify } from '../../src/commands/verify.js';
import type { CommandIO } from '../../src/commands/io.js';
import { EzvideoError } from '../../src/errors.js';
import { box, ftyp, jpeg, largeBoxHeader, moov, mp4, tempDir, webp, writeSparse } from '../core/integrity/media-fixtures.js';
import { createMemoryIO } from '../helpers/memory-io.js';

const GiB = 1024 ** 3;


/** `ezvideo verify` as the CLI runs it, so a failure ends with its error and hint lines. */
function verify(files: string[], options: { json: boolean; verbose: boolean }, io: CommandIO): Promise<number> {
  return run(['verify', ...(options.json ? ['--json'] : []), ...(options.verbose ? ['--verbose'] : []), ...files], io);
}

describe('ezvideo verify', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const files: Record<string, string> = {};
  before(async () => {
    tmp = await tempDir();
    const sizeZeroMdat = Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]);
    const entries: Array<[string, Buffer]> = [
      ['whole.mp4', mp4(4000)],
      ['cut.mp4', mp4(4000).subarray(0, 2000)],
      ['size0.mp4', Buffer.concat([ftyp(), moov(), sizeZeroMdat, Buffer.alloc(3000)])],
      ['whole.webp', webp(300)],
      ['cut.webp', webp(300).subarray(0, 150)],
      ['whole.jpg', jpeg()],
      ['cut.jpg', jpeg().subarray(0, 120)],
      ['notes.txt', Buffer.from('not media\n')],
    ];
    for (const [name, data] of entries) files[name] = await tmp.file(name, data);
    const large = join(tmp.dir, 'large.mp4');
    const mdatSize = 5 * GiB;
    await writeSparse(large, ftyp().length + mdatSize + moov().length, [
      [0, ftyp()],
      [ftyp().length, largeBoxHeader('mdat', BigInt(mdatSize))],
      [ftyp().length + mdatSize, moov()],
    ]);
    files['large.mp4'] = large;
  });
  after(() => tmp.cleanup());

  function path(name: string): string {
    const found = files[name];
    assert.ok(found, name);
    return found;
  }

  it('passes whole MP4 (including 64-bit largesize and size-0 boxes), WebP and JPEG files: exit 0', async () => {
    const { io, stdout, stderr } = createMemoryIO();
    const names = ['whole.mp4', 'large.mp4', 'size0.mp4', 'whole.webp', 'whole.jpg'];
    const code = await verify(names.map(path), { json: false, verbose: false }, io);
    assert.equal(code, 0);
    assert.equal(
      stdout.text(),
      [
        `ok      ${path('whole.mp4')}  (mp4, ${mp4(4000).length} bytes)`,
        `ok      ${path('large.mp4')}  (mp4, ${ftyp().length + 5 * GiB + moov().length} bytes)`,
        `ok      ${path('size0.mp4')}  (mp4, ${ftyp().length + moov().length + 8 + 3000} bytes)`,
        `ok      ${path('whole.webp')}  (webp, 312 bytes)`,
        `ok      ${path('whole.jpg')}  (jpeg, ${jpeg().length} bytes)`,
        '',
      ].join('\n'),
    );
    assert.equal(stderr.text(), '');
  });

  it('fails truncated MP4, WebP and JPEG files, one line each, and exits 9', async () => {
    const { io, stdout, stderr } = createMemoryIO();
    const names = ['cut.mp4', 'whole.mp4', 'cut.webp', 'cut.jpg'];
    const code = await verify(names.map(path), { json: false, verbose: false }, io);
    assert.equal(code, 9);
    const lines = stdout.text().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0] ?? '', new RegExp(`^FAILED  ${path('cut.mp4')}: the file ends inside the 'mdat' box .*\\(truncated\\)$`));
    assert.match(lines[1] ?? '', /^ok {6}/);
    assert.equal(lines[2], `FAILED  ${path('cut.webp')}: the RIFF header declares 312 bytes but the file has 150 (truncated)`);
    assert.match(lines[3] ?? '', new RegExp(`^FAILED  ${path('cut.jpg')}: .*end-of-image marker.*truncated$`));
    assert.equal(lines[4], '');
    assert.equal(stderr.text(), 'error: 3 of 4 files failed verification\nhint: A damaged file cannot be repaired: download it again (`ezvideo download` lands only whole files).\n');
  });

  it('with --json writes one object per file', async () => {
    const { io, stdout } = createMemoryIO();
    const missing = join(tmp.dir, 'missing.mp4');
    const code = await verify([path('whole.mp4'), path('cut.webp'), path('notes.txt'), missing], { json: true, verbose: false }, io);
    assert.equal(code, 9);
    const objects = stdout.text().trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    assert.deepEqual(objects, [
      { path: path('whole.mp4'), ok: true, kind: 'mp4', checked: true, bytes: mp4(4000).length },
      {
        path: path('cut.webp'),
        ok: false,
        kind: 'webp',
        checked: true,
        bytes: 150,
        reason: 'the RIFF header declares 312 bytes but the file has 150 (truncated)',
      },
      {
        path: path('notes.txt'),
        ok: true,
        kind: 'none',
        checked: false,
        bytes: 10,
        reason: 'no structure check for this type: only MP4/ISO-BMFF, WebP and JPEG are checked',
      },
      { path: missing, ok: false, kind: 'none', checked: false, bytes: null, reason: 'cannot read: no such file or folder' },
    ]);
  });

  it('passes an unknown type unchecked, and says why only with --verbose', async () => {
    const quiet = createMemoryIO();
    assert.equal(await verify([path('notes.txt')], { json: false, verbose: false }, quiet.io), 0);
    assert.equal(quiet.stdout.text(), `ok      ${path('notes.txt')}  (10 bytes, unchecked)\n`);

    const verbose = createMemoryIO();
    assert.equal(await verify([path('notes.txt')], { json: false, verbose: true }, verbose.io), 0);
    assert.equal(
      verbose.stdout.text(),
      `ok      ${path('notes.txt')}  (10 bytes; no structure check for this type: only MP4/ISO-BMFF, WebP and JPEG are checked)\n`,
    );
  });

  it('fails a missing file and a directory with a clear reason, still checking the rest', async () => {
    const { io, stdout, stderr } = createMemoryIO();
    const missing = join(tmp.dir, 'missing.mp4');
    const code = await verify([missing, tmp.dir, path('whole.jpg')], { json: false, verbose: false }, io);
    assert.equal(code, 9);
    assert.equal(
      stdout.text(),
      `FAILED  ${missing}: cannot read: no such file or folder\n` +
        `FAILED  ${tmp.dir}: cannot read: not a regular file\n` +
        `ok      ${path('whole.jpg')}  (jpeg, ${jpeg().length} bytes)\n`,
    );
    assert.match(stderr.text(), /^error: 2 of 3 files failed verification\n/);
  });

  it('prints a file name with a newline quoted, keeping one line per file', async () => {
    const odd = await tmp.file('two\nlines.mp4', mp4());
    const { io, stdout } = createMemoryIO();
    assert.equal(await verify([odd], { json: false, verbose: false }, io), 0);
    assert.equal(stdout.text(), `ok      ${JSON.stringify(odd)}  (mp4, ${mp4().length} bytes)\n`);
  });

  it('refuses an empty file list as a usage error', async () => {
    const { io } = createMemoryIO();
    await assert.rejects(runVerify([], { json: false, verbose: false }, io), (error: unknown) => {
      assert.ok(error instanceof EzvideoError);
      assert.equal(error.exitCode, 2);
      return true;
    });
  });

  it('stops between files once interrupted', async () => {
    const { io, stdout, interrupt } = createMemoryIO();
    interrupt('SIGTERM');
    await assert.rejects(runVerify([path('whole.mp4')], { json: false, verbose: false }, io), (error: unknown) => {
      assert.ok(error instanceof EzvideoError);
      assert.equal(error.code, 'interrupted');
      assert.equal(error.exitCode, 143);
      return true;
    });
    assert.equal(stdout.text(), '');
  });

  it('checks the bytes, not the name: a JPEG named .mp4 is verified as a JPEG', async () => {
    const misnamed = await tmp.file('thumb.mp4', jpeg());
    const { io, stdout } = createMemoryIO();
    assert.equal(await verify([misnamed], { json: true, verbose: false }, io), 0);
    assert.equal((JSON.parse(stdout.text()) as { kind: string }).kind, 'jpeg');
  });

  it('an mdat box alone is not a video: the file fails even though every box is whole', async () => {
    const noMoov = await tmp.file('no-moov.mp4', Buffer.concat([ftyp(), box('mdat', 100)]));
    const { io, stdout } = createMemoryIO();
    assert.equal(await verify([noMoov], { json: false, verbose: false }, io), 9);
    assert.match(stdout.text(), /no 'moov' box/);
  });
});
