import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFromContentType } from '../../../src/core/integrity/detect-format.js';

describe('formatFromContentType', () => {
  it('maps ISO-BMFF types to the mp4 check, requiring ftyp except for QuickTime', () => {
    for (const type of ['video/mp4', 'audio/mp4', 'video/3gpp', 'image/avif', 'image/heic']) {
      assert.deepEqual(formatFromContentType(type), { kind: 'mp4', requireFtyp: true }, type);
    }
    assert.deepEqual(formatFromContentType('video/quicktime'), { kind: 'mp4', requireFtyp: false });
  });

  it('ignores case, spaces and parameters', () => {
    assert.deepEqual(formatFromContentType(' Video/MP4 ; codecs="avc1.640028"'), { kind: 'mp4', requireFtyp: true });
    assert.deepEqual(formatFromContentType('IMAGE/WEBP'), { kind: 'webp' });
    assert.deepEqual(formatFromContentType('image/jpeg;charset=binary'), { kind: 'jpeg' });
  });

  it('has no check for other or missing types', () => {
    for (const type of [undefined, '', 'application/octet-stream', 'video/webm', 'text/html']) {
      assert.equal(formatFromContentType(type), undefined, String(type));
    }
  });
});
