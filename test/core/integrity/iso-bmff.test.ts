import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkFileStructure } from '../../../src/core/integrity/check-structure.js';
import { MAX_TOP_LEVEL_BOXES } from '../../../src/core/integrity/iso-bmff.js';
import { box, ftyp, largeBoxHeader, moov, mp4, tempDir, writeSparse } from './media-fixtures.js';

const GiB = 1024 ** 3;

describe('ISO-BMFF structure check', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  async function check(name: string, data: Buffer, contentType = 'video/mp4') {
    return checkFileStructure(await tmp.file(name, data), contentType);
  }

  it('passes a whole MP4 with its moov after mdat', async () => {
    const result = await check('whole.mp4', mp4());
    assert.deepEqual(result, { kind: 'mp4', checked: true, ok: true, bytes: mp4().length });
  });

  it('passes a fast-start MP4 (moov before mdat) with a free box', async () => {
    const result = await check('faststart.mp4', Buffer.concat([ftyp(), moov(), box('free', 16), box('mdat', 500)]));
    assert.equal(result.ok, true);
  });

  it('fails an MP4 cut in the middle of mdat, naming the box, its offset and sizes', async () => {
    const whole = mp4(1_048_576);
    const result = await check('cut-mdat.mp4', whole.subarray(0, 50_000));
    const mdatOffset = ftyp().length;
    assert.equal(result.ok, false);
    assert.equal(
      result.reason,
      `the file ends inside the 'mdat' box at offset ${mdatOffset}: it declares ${1_048_576 + 8} bytes ` +
        `but only ${50_000 - mdatOffset} remain (truncated)`,
    );
  });

  it('fails an MP4 cut inside a box header', async () => {
    const whole = mp4();
    const moovOffset = whole.length - moov().length;
    const result = await check('cut-header.mp4', whole.subarray(0, moovOffset + 5));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', new RegExp(`ends 5 bytes into a box header at offset ${moovOffset}`));
  });

  it('fails an MP4 cut cleanly right after mdat: moov is missing', async () => {
    const whole = mp4();
    const result = await check('no-moov.mp4', whole.subarray(0, whole.length - moov().length));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /no 'moov' box: the movie header is missing/);
    assert.match(result.reason ?? '', /after 'ftyp', 'mdat'/);
  });

  it('fails an MP4 with trailing bytes after the last box', async () => {
    const garbage = Buffer.from([0x00, 0x00, 0x10, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
    const result = await check('garbage.mp4', Buffer.concat([mp4(), garbage]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /11 bytes that are not a box follow the last box/);
  });

  it('fails an MP4 whose first box is not ftyp', async () => {
    const result = await check('moov-first.mp4', Buffer.concat([moov(), ftyp(), box('mdat', 10)]));
    assert.equal(result.ok, false);
    assert.equal(result.reason, "the first box is 'moov', not 'ftyp': not the start of an MP4 file");
  });

  it('fails an MP4 with an ftyp after the first box', async () => {
    const result = await check('ftyp-late.mp4', Buffer.concat([ftyp(), box('free', 8), ftyp(), moov()]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /'ftyp' is box number 3/);
  });

  it('fails an MP4 without moov even when every box is whole', async () => {
    const result = await check('mdat-only.mp4', Buffer.concat([ftyp(), box('mdat', 100), box('free', 10)]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /no 'moov' box/);
  });

  it('fails a box that declares fewer than 8 bytes', async () => {
    const tiny = Buffer.from([0, 0, 0, 4, 0x66, 0x72, 0x65, 0x65]);
    const result = await check('tiny-box.mp4', Buffer.concat([ftyp(), tiny, moov()]));
    assert.equal(result.ok, false);
    assert.equal(
      result.reason,
      `the 'free' box at offset ${ftyp().length} declares 4 bytes, less than its 8-byte header`,
    );
  });

  it('fails a 64-bit box whose largesize is smaller than its header', async () => {
    const result = await check('tiny-large.mp4', Buffer.concat([ftyp(), largeBoxHeader('mdat', 8n), moov()]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /declares a 64-bit size of 8 bytes, less than its 16-byte header/);
  });

  it('fails a file cut inside a 64-bit box header', async () => {
    const data = Buffer.concat([ftyp(), moov(), largeBoxHeader('mdat', 1000n).subarray(0, 12)]);
    const result = await check('cut-large-header.mp4', data);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /ends inside the 64-bit header of the 'mdat' box/);
  });

  it('passes a size-0 last box that runs to the end of the file', async () => {
    const open = Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]); // size 0, 'mdat'
    const result = await check('size0.mp4', Buffer.concat([ftyp(), moov(), open, Buffer.alloc(5000)]));
    assert.equal(result.ok, true);
  });

  it('a size-0 box swallows the rest, so a moov after it is not seen', async () => {
    const open = Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]);
    const result = await check('size0-moov-after.mp4', Buffer.concat([ftyp(), open, Buffer.alloc(100), moov()]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /no 'moov' box/);
  });

  it('passes a sparse 5 GiB MP4 whose mdat has a 64-bit largesize', async () => {
    const path = `${tmp.dir}/large.mp4`;
    const head = ftyp();
    const mdatSize = 5 * GiB;
    const tail = moov();
    const size = head.length + mdatSize + tail.length;
    await writeSparse(path, size, [
      [0, head],
      [head.length, largeBoxHeader('mdat', BigInt(mdatSize))],
      [head.length + mdatSize, tail],
    ]);
    assert.deepEqual(await checkFileStructure(path, 'video/mp4'), { kind: 'mp4', checked: true, ok: true, bytes: size });
  });

  it('fails a sparse MP4 whose 64-bit mdat is cut at 4 GiB', async () => {
    const path = `${tmp.dir}/large-cut.mp4`;
    const head = ftyp();
    await writeSparse(path, 4 * GiB, [
      [0, head],
      [head.length, largeBoxHeader('mdat', BigInt(5 * GiB))],
    ]);
    const result = await checkFileStructure(path, 'video/mp4');
    assert.equal(result.ok, false);
    assert.equal(
      result.reason,
      `the file ends inside the 'mdat' box at offset ${head.length}: it declares ${5 * GiB} bytes ` +
        `but only ${4 * GiB - head.length} remain (truncated)`,
    );
  });

  it('fails a largesize past 2^53 as truncated, printing the exact declared size', async () => {
    const huge = 2n ** 63n;
    const result = await check('huge.mp4', Buffer.concat([ftyp(), largeBoxHeader('mdat', huge), moov()]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', new RegExp(`declares ${huge} bytes .*\\(truncated\\)`));
  });

  it('requires meta instead of moov for an AVIF still image', async () => {
    const avif = Buffer.concat([ftyp('avif'), box('meta', 40), box('mdat', 100)]);
    assert.equal((await check('still.avif', avif, 'image/avif')).ok, true);
    const cut = Buffer.concat([ftyp('avif'), box('mdat', 100)]);
    const result = await check('cut.avif', cut, 'image/avif');
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /no 'meta' box: the image header is missing/);
  });

  it('accepts a legacy QuickTime file without ftyp when served as video/quicktime', async () => {
    const mov = Buffer.concat([box('wide', 0), box('mdat', 200), moov()]);
    assert.equal((await check('legacy.mov', mov, 'video/quicktime')).ok, true);
    assert.equal((await check('legacy-as-mp4.mov', mov, 'video/mp4')).ok, false);
  });

  it(`stops at ${MAX_TOP_LEVEL_BOXES} top-level boxes, quickly`, async () => {
    const free = box('free', 0);
    const many = Buffer.concat([ftyp(), ...Array.from({ length: MAX_TOP_LEVEL_BOXES }, () => free), moov()]);
    const started = performance.now();
    const result = await check('hostile.mp4', many);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /more than 100000 top-level boxes/);
    assert.ok(performance.now() - started < 2000, 'a hostile file must not take long');
  });
});
