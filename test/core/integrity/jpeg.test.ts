import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkFileStructure } from '../../../src/core/integrity/check-structure.js';
import { jpeg, tempDir } from './media-fixtures.js';

describe('JPEG structure check', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.cleanup());

  async function check(name: string, data: Buffer) {
    return checkFileStructure(await tmp.file(name, data), 'image/jpeg');
  }

  it('passes a JPEG from SOI to EOI', async () => {
    assert.deepEqual(await check('whole.jpg', jpeg()), { kind: 'jpeg', checked: true, ok: true, bytes: jpeg().length });
  });

  it('fails a JPEG without its EOI (truncated)', async () => {
    const result = await check('cut.jpg', jpeg().subarray(0, 100));
    assert.equal(result.ok, false);
    assert.equal(
      result.reason,
      'the file does not end with the JPEG end-of-image marker (FF D9; last bytes 1111): truncated',
    );
  });

  it('fails a file served as image/jpeg that does not start with SOI', async () => {
    const result = await check('html.jpg', Buffer.from('<html>gateway timeout</html>'));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /does not start with the JPEG start-of-image marker \(FF D8\)/);
  });

  it('fails a file too short to hold both markers', async () => {
    const result = await check('stub.jpg', Buffer.from([0xff, 0xd8, 0xff]));
    assert.equal(result.ok, false);
    assert.match(result.reason ?? '', /3 bytes, too few/);
  });
});
