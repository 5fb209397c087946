import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { PositionalReader } from '../../../src/core/integrity/positional-reader.js';
import { tempDir } from './media-fixtures.js';

describe('PositionalReader', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  before(async () => {
    tmp = await tempDir();
    path = await tmp.file('bytes', data);
  });
  after(() => tmp.cleanup());

  it('returns the bytes asked for, across window refills, cut short at the end', async () => {
    const handle = await open(path, 'r');
    try {
      const reader = new PositionalReader(handle, data.length, 16);
      assert.deepEqual([...(await reader.read(0, 4))], [0, 1, 2, 3]);
      assert.deepEqual([...(await reader.read(10, 8))], [10, 11, 12, 13, 14, 15, 16, 17]);
      assert.deepEqual([...(await reader.read(95, 16))], [95, 96, 97, 98, 99]);
      assert.equal((await reader.read(100, 4)).length, 0);
      assert.deepEqual([...(await reader.read(3, 2))], [3, 4]);
    } finally {
      await handle.close();
    }
  });

  it('refuses a read larger than its window', async () => {
    const handle = await open(path, 'r');
    try {
      const reader = new PositionalReader(handle, data.length, 16);
      await assert.rejects(reader.read(0, 17), RangeError);
    } finally {
      await handle.close();
    }
  });
});
