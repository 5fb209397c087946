import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteSize, parseSeededId } from '../../src/mock/index.js';

test('byte sizes take binary k, m and g suffixes', () => {
  assert.equal(parseByteSize('0'), 0);
  assert.equal(parseByteSize('1500'), 1500);
  assert.equal(parseByteSize('64k'), 64 * 1024);
  assert.equal(parseByteSize('10M'), 10 * 1024 * 1024);
  assert.equal(parseByteSize('1g'), 1024 ** 3);
  assert.equal(parseByteSize('1.5m'), undefined);
  assert.equal(parseByteSize('m'), undefined);
  assert.equal(parseByteSize('-1'), undefined);
});

test('seeded ids name their behaviour by prefix, with an optional video_ or task_ in front', () => {
  assert.deepEqual(parseSeededId('vid_abc123'), { kind: 'normal' });
  assert.deepEqual(parseSeededId('video_vid_abc'), { kind: 'normal' });
  assert.deepEqual(parseSeededId('size_1g'), { kind: 'synthetic', size: 1024 ** 3 });
  assert.deepEqual(parseSeededId('size_10m_a'), { kind: 'synthetic', size: 10 * 1024 ** 2 });
  assert.deepEqual(parseSeededId('video_size_5k'), { kind: 'synthetic', size: 5 * 1024 });
  assert.deepEqual(parseSeededId('task_size_0'), { kind: 'synthetic', size: 0 });
  assert.deepEqual(parseSeededId('fail_1'), { kind: 'fail' });
  assert.deepEqual(parseSeededId('cancel_x'), { kind: 'cancel' });
  assert.deepEqual(parseSeededId('expired_x'), { kind: 'expired' });
  assert.deepEqual(parseSeededId('never_x'), { kind: 'never' });
  assert.deepEqual(parseSeededId('broken_x'), { kind: 'broken', size: 1024 * 1024 });
  assert.deepEqual(parseSeededId('broken_2m_x'), { kind: 'broken', size: 2 * 1024 * 1024 });
});

test('other ids, and ids that are not plain path segments, are unknown', () => {
  for (const id of ['abc', 'vid', 'vid_', 'size_big', 'size_', 'video_68f8aa', 'vid_a/b', 'vid_a%2F', '../vid_a', 'vid_ä']) {
    assert.equal(parseSeededId(id), undefined, id);
  }
});
