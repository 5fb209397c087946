import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taskIdPathSegment, validateTaskId } from '../../src/api/task-id.js';
import { EzvideoError } from '../../src/errors.js';

describe('task ids', () => {
  for (const id of ['vid_abc123xyz456', 'video_68f8a1', 'task_0123456789abcdef0123456789abcdef', 'a.b:c-d_e']) {
    it(`accepts ${id}`, () => assert.equal(validateTaskId(id), id));
  }
  for (const id of ['', '.', '..', 'a/b', '../etc', 'a b', 'a\u0000b', 'a\nb', 'a%2fb', 'a?b', 'a#b', 'vidé']) {
    it(`refuses ${JSON.stringify(id)} as a usage error`, () => {
      assert.throws(() => validateTaskId(id), (error: unknown) => error instanceof EzvideoError && error.exitCode === 2);
    });
  }
  it('a colon is percent-encoded in the path segment', () => {
    assert.equal(taskIdPathSegment('a:b'), 'a%3Ab');
  });
});
