/**
 * What PartFile.dispose leaves when a download is over without landing: the part and its state
 * when they hold bytes to resume from, nothing when the part is empty. The hostile-servers case
 * "a Content-Range elsewhere on every resume" ends either way, depending on timing; this pins
 * the rule itself, deterministically.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PartFile } from '../../src/core/part-file.js';
import type { PartState } from '../../src/core/part-state.js';

const state: PartState = {
  version: 1,
  id: 'vid_x',
  url: 'http://host/v1/videos/vid_x/content',
  etag: '"e"',
  lastModified: undefined,
  totalBytes: 100,
  contentType: 'video/mp4',
};

describe('PartFile.dispose: a part with bytes is kept with its state, an empty one is removed', () => {
  let root: string;
  let count = 0;
  /** A fresh folder and a part file opened in it, as a first run opens it. */
  async function opened(): Promise<{ dir: string; part: PartFile }> {
    const dir = join(root, String((count += 1)));
    await mkdir(dir);
    const part = new PartFile(join(dir, 'out.mp4'), undefined);
    assert.deepEqual(await part.open(state.id, state.url, false), { kept: false, joined: false });
    await part.saveState(state);
    return { dir, part };
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'ezvideo-dispose-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('bytes written: the part and its state stay, for a resume', async () => {
    const { dir, part } = await opened();
    await part.writeAt([Buffer.alloc(40, 1)], 0);
    part.offset = 40;
    await part.dispose();
    assert.deepEqual((await readdir(dir)).sort(), ['out.mp4.part', 'out.mp4.part.json']);
  });

  it('bytes written, then a restart from zero that received nothing: nothing is left to resume from', async () => {
    const { dir, part } = await opened();
    await part.writeAt([Buffer.alloc(40, 1)], 0);
    part.offset = 40;
    await part.truncate();
    await part.saveState(state);
    await part.dispose();
    assert.deepEqual(await readdir(dir), []);
  });
});
