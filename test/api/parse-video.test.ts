import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVideo } from '../../src/api/parse-video.js';

describe('parseVideo', () => {
  it('reads an OpenAI video object', () => {
    const video = parseVideo(
      { id: 'video_1', object: 'video', model: 'sora-2', status: 'in_progress', progress: 42, created_at: 1, completed_at: null, size: '1280x720', seconds: '8', error: null },
      'video_1',
    );
    assert.equal(video.status, 'in_progress');
    assert.equal(video.progress, 42);
    assert.equal(video.model, 'sora-2');
    assert.equal(video.completedAt, undefined);
    assert.equal(video.error, undefined);
  });
  it('reads the gateway dialect: internal status word, string progress, missing fields', () => {
    const video = parseVideo({ status: 'IN_PROGRESS', progress: '30%' }, 'task_x');
    assert.deepEqual([video.id, video.status, video.rawStatus, video.progress, video.model], ['task_x', 'in_progress', 'IN_PROGRESS', 30, undefined]);
  });
  it('takes a failed task its error message', () => {
    assert.equal(parseVideo({ id: 'v', status: 'failed', error: { message: 'content policy' } }, 'v').error, 'content policy');
  });
  it('unwraps { data: {...} }', () => {
    assert.equal(parseVideo({ data: { status: 'SUCCESS' } }, 'v').status, 'completed');
  });
});
