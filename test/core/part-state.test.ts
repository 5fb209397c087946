import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type PartState, type RangesState, readPartState, readRangesState, removeJsonFile, writeJsonAtomically, writePartState, writeRangesState } from '../../src/core/part-state.js';

describe('side files written atomically (part-state)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ezvideo-json-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the JSON under its name (replacing what was there), leaves no temporary file; removing twice is fine', async () => {
    const path = join(dir, 'a.json');
    await writeJsonAtomically(path, { first: true });
    await writeJsonAtomically(path, { second: [1, 2] });
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { second: [1, 2] });
    assert.deepEqual(await readdir(dir), ['a.json']);
    await removeJsonFile(path);
    await removeJsonFile(path);
    assert.deepEqual(await readdir(dir), []);
  });

  it('the part state and the ranges state both go through it and read back unchanged', async () => {
    const part: PartState = { version: 1, id: 'vid_x', url: 'http://host/v1/videos/vid_x/content', etag: '"e"', lastModified: undefined, totalBytes: 10, contentType: 'video/mp4' };
    const ranges: RangesState = { version: 1, etag: '"e"', totalBytes: 10, ranges: [{ start: 0, end: 5, done: 5 }, { start: 5, end: 10, done: 2 }] };
    await writePartState(join(dir, 'out.part.json'), part);
    await writeRangesState(join(dir, 'out.part.ranges.json'), ranges);
    assert.deepEqual(await readPartState(join(dir, 'out.part.json')), JSON.parse(JSON.stringify(part)));
    assert.deepEqual(await readRangesState(join(dir, 'out.part.ranges.json')), ranges);
    assert.deepEqual(await readdir(dir), ['out.part.json', 'out.part.ranges.json']);
  });
});
