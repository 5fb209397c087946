import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContentLength, parseContentRange } from '../../src/core/content-range.js';
import { extensionFor, fileNameFromDisposition, sanitizeFileName } from '../../src/core/file-name.js';

describe('parseContentRange', () => {
  it('bytes a-b/total', () => assert.deepEqual(parseContentRange('bytes 100-199/1000'), { satisfied: true, start: 100, end: 199, total: 1000 }));
  it('unknown total', () => assert.deepEqual(parseContentRange('bytes 0-0/*'), { satisfied: true, start: 0, end: 0, total: undefined }));
  it('unsatisfied', () => assert.deepEqual(parseContentRange('bytes */1000'), { satisfied: false, total: 1000 }));
  it('nonsense', () => {
    assert.equal(parseContentRange('bytes 9-1/10'), undefined);
    assert.equal(parseContentRange('items 0-1/2'), undefined);
    assert.equal(parseContentRange(undefined), undefined);
  });
  it('Content-Length must be plain digits', () => {
    assert.equal(parseContentLength('123'), 123);
    assert.equal(parseContentLength('12a'), undefined);
    assert.equal(parseContentLength('-1'), undefined);
  });
});

describe('server file names are never paths', () => {
  it('keeps a plain name', () => assert.equal(fileNameFromDisposition('attachment; filename="video.mp4"'), 'video.mp4'));
  it('strips directories and traversal', () => {
    assert.equal(fileNameFromDisposition('attachment; filename="../../etc/passwd"'), 'passwd');
    assert.equal(fileNameFromDisposition('attachment; filename="/abs/path/x.mp4"'), 'x.mp4');
    assert.equal(fileNameFromDisposition('attachment; filename="..\\\\..\\\\win.ini"'), 'win.ini');
  });
  it('prefers filename* (RFC 6266)', () => {
    assert.equal(fileNameFromDisposition(`attachment; filename="a.mp4"; filename*=UTF-8''%E8%A7%86%E9%A2%91.mp4`), '视频.mp4');
  });
  it('drops control characters and leading dots', () => {
    assert.equal(sanitizeFileName('.\u0000hidden\n.mp4'), 'hidden.mp4');
    assert.equal(sanitizeFileName('..'), undefined);
  });
  it('extension from the content type', () => {
    assert.equal(extensionFor('video/mp4'), '.mp4');
    assert.equal(extensionFor('image/webp'), '.webp');
    assert.equal(extensionFor('image/jpeg; charset=binary'), '.jpg');
    assert.equal(extensionFor('application/octet-stream'), '.bin');
  });
});
