import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageTypeOf } from '../../src/core/input-reference.js';

describe('imageTypeOf (the type an input_reference is uploaded with)', () => {
  it('from the bytes first, whatever the name says; else from an image extension; else none', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    const webp = Buffer.from('RIFF\u0004\u0000\u0000\u0000WEBPVP8 ', 'latin1');
    const words = Buffer.from('just words');
    assert.equal(imageTypeOf('frame.png', jpeg), 'image/jpeg');
    assert.equal(imageTypeOf('frame.bin', webp), 'image/webp');
    assert.equal(imageTypeOf('frame.bin', Buffer.from('GIF89a....')), 'image/gif');
    assert.equal(imageTypeOf('frame.JPEG', words), 'image/jpeg');
    assert.equal(imageTypeOf('frame.jpg', words), 'image/jpeg');
    assert.equal(imageTypeOf('frame.gif', words), 'image/gif');
    assert.equal(imageTypeOf('frame.webp', words), 'image/webp');
    assert.equal(imageTypeOf('clip.mp4', words), undefined, 'a known type that is not an image is not one');
    assert.equal(imageTypeOf('notes.txt', words), undefined);
  });
});
