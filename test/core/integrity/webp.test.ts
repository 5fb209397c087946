import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkFileStructure } from '../../../src/core/integrity/check-structure.js';
import { tempDir, webp } from './media-fixtures.js';

describe('WebP structure check', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  async function check(name: string, data: Buffer) {
    return checkFileStructure(await tmp.file(name, data), 'image/webp');
  }

  it('passes a WebP whose RIFF size matches the file', async () => {
    assert.deepEqual(await check('whole.webp', webp(100)), { kind: 'webp', checked: true, ok: true, bytes: 112 });
  });

  it('fails a truncated WebP', async () => {
    const result = await check('cut.webp', webp(100).subarray(0, 60));
    assert.equal(result.ok, false);
    assert.equal(result.reason, 'the RIFF header declares 112 bytes but the file has 60 (truncated)');
  });

  it('fails a WebP with bytes after the RIFF chunk', async () => {
    const result = await check('long.webp', webp(100, 50));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /declares 62 bytes but the file has 112: 50 unexpected bytes/);
  });

  it('fails a file shorter than the RIFF header', async () => {
    const result = await check('stub.webp', webp(100).subarray(0, 7));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /7 bytes, fewer than the 12-byte RIFF\/WebP header/);
  });

  it('fails a RIFF file of another form served as image/webp', async () => {
    const avi = webp(20);
    avi.write('AVI ', 8, 'latin1');
    const result = await check('avi.webp', avi);
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /form type is not 'WEBP'/);
  });
});
