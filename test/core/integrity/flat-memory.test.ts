import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FileHandle } from 'node:fs/promises';
import { checkFileStructure } from '../../../src/core/integrity/check-structure.js';
import { checkIsoBmff } from '../../../src/core/integrity/iso-bmff.js';
import { PositionalReader } from '../../../src/core/integrity/positional-reader.js';
import { box, ftyp, moov, tempDir, writeSparse } from './media-fixtures.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('structure check memory', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  it('checks a 1 GiB MP4 in flat memory and without reading its payload', async () => {
    const path = `${tmp.dir}/one-gib.mp4`;
    const head = ftyp();
    const mdatHeader = box('mdat', 0);
    mdatHeader.writeUInt32BE(GiB, 0);
    const tail = moov();
    const size = head.length + GiB + tail.length;
    await writeSparse(path, size, [
      [0, head],
      [head.length, mdatHeader],
      [head.length + GiB, tail],
    ]);

    const before = process.memoryUsage();
    const result = await checkFileStructure(path, 'video/mp4');
    const grown = process.memoryUsage();

    assert.deepEqual(result, { kind: 'mp4', checked: true, ok: true, bytes: size });
    assert.ok(grown.rss - before.rss < 8 * MiB, `rss grew by ${((grown.rss - before.rss) / MiB).toFixed(1)} MiB`);
    assert.ok(
      grown.arrayBuffers - before.arrayBuffers < 1 * MiB,
      `buffers grew by ${((grown.arrayBuffers - before.arrayBuffers) / MiB).toFixed(1)} MiB`,
    );
  });

  it('reads only box headers: a few windows for ftyp + 1 GiB mdat + moov', async () => {
    const layout = Buffer.concat([ftyp(), box('mdat', 0)]);
    layout.writeUInt32BE(GiB, ftyp().length);
    const tail = moov();
    const size = layout.length - 8 + GiB + tail.length;
    let bytesRead = 0;
    // A file that exists only as its headers: any read of the payload would be counted.
    const handle = {
      read: async (buffer: Buffer, offset: number, length: number, position: number) => {
        const source = Buffer.alloc(length);
        if (position < layout.length) layout.copy(source, 0, position);
        if (position + length > size - tail.length) tail.copy(source, Math.max(0, size - tail.length - position));
        source.copy(buffer, offset);
        bytesRead += length;
        return { bytesRead: length, buffer };
      },
    } as unknown as FileHandle;
    const verdict = await checkIsoBmff(new PositionalReader(handle, size), { requireFtyp: true });
    assert.deepEqual(verdict, { ok: true });
    assert.ok(bytesRead <= 3 * 64 * 1024, `read ${bytesRead} bytes`);
  });
});
