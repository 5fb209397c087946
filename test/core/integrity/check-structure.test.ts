import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkFileStructure,
  UnreadableFileError,
} from '../../../src/core/integrity/check-structure.js';
import { jpeg, mp4, tempDir, webp } from './media-fixtures.js';

describe('checkFileStructure', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  it('decides the format from the bytes when there is no content type', async () => {
    assert.equal((await checkFileStructure(await tmp.file('a', mp4()), undefined)).kind, 'mp4');
    assert.equal((await checkFileStructure(await tmp.file('b', webp()), undefined)).kind, 'webp');
    assert.equal((await checkFileStructure(await tmp.file('c', jpeg()), undefined)).kind, 'jpeg');
  });

  it('checks a video served as application/octet-stream by its magic', async () => {
    const cut = mp4(5000).subarray(0, 3000);
    const result = await checkFileStructure(await tmp.file('octet.mp4', cut), 'application/octet-stream');
    assert.equal(result.kind, 'mp4');
    assert.equal(result.ok, false);
  });

  it('lets the magic win over a mislabelled content type', async () => {
    const result = await checkFileStructure(await tmp.file('thumb', jpeg()), 'image/webp');
    assert.deepEqual(result, { kind: 'jpeg', checked: true, ok: true, bytes: jpeg().length });
  });

  it('uses the content type when the bytes are not recognised, so an error page fails', async () => {
    const page = Buffer.from('<!DOCTYPE html><html><body>504 Gateway Time-out</body></html>');
    const result = await checkFileStructure(await tmp.file('page.mp4', page), 'video/mp4; codecs="avc1"');
    assert.equal(result.kind, 'mp4');
    assert.equal(result.ok, false);
    assert.equal(result.reason, "the first box is 'CTYP', not 'ftyp': not the start of an MP4 file");
  });

  it('passes an unknown type unchecked and says so', async () => {
    const result = await checkFileStructure(await tmp.file('notes.txt', Buffer.from('hello')), 'text/plain');
    assert.deepEqual(result, {
      kind: 'none',
      checked: false,
      ok: true,
      reason: 'no structure check for this type (text/plain): only MP4/ISO-BMFF, WebP and JPEG are checked',
      bytes: 5,
    });
  });

  it('checks an empty file served as video/mp4 and fails it', async () => {
    const result = await checkFileStructure(await tmp.file('empty.mp4', Buffer.alloc(0)), 'video/mp4');
    assert.deepEqual(result, { kind: 'mp4', checked: true, ok: false, reason: 'the file is empty', bytes: 0 });
  });

  it('throws an output error for a missing file', async () => {
    const missing = join(tmp.dir, 'missing.mp4');
    await assert.rejects(checkFileStructure(missing, 'video/mp4'), (error: unknown) => {
      assert.ok(error instanceof UnreadableFileError);
      assert.equal(error.code, 'output');
      assert.equal(error.exitCode, 9);
      assert.equal(error.why, 'no such file or folder');
      assert.equal(error.message, `cannot read ${missing}: no such file or folder`);
      return true;
    });
  });

  it('throws an output error for a directory', async () => {
    const dir = join(tmp.dir, 'a-dir');
    await mkdir(dir);
    await assert.rejects(checkFileStructure(dir, undefined), (error: unknown) => {
      assert.ok(error instanceof UnreadableFileError);
      assert.equal(error.why, 'not a regular file');
      return true;
    });
  });

  it('refuses a FIFO without blocking on it', async (t) => {
    const fifo = join(tmp.dir, 'a-fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      t.skip('mkfifo is not available');
      return;
    }
    await assert.rejects(checkFileStructure(fifo, 'video/mp4'), /not a regular file/);
  });
});
