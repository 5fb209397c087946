import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CreateJob, jobKeys } from '../../src/core/create-job.js';

const job = (prompt: string, more: Partial<CreateJob> = {}): CreateJob => ({ line: 1, prompt, ...more });

describe('jobKeys', () => {
  it('two identical jobs are two keys; the same jobs give the same keys, whatever their lines', () => {
    const keys = jobKeys([job('sea'), job('sea'), job('sky')]);
    assert.equal(new Set(keys).size, 3);
    assert.deepEqual(jobKeys([job('sea', { line: 7 }), job('sea', { line: 9 }), job('sky', { line: 2 })]), keys);
  });

  it('inserting, removing or moving other jobs leaves a job\'s key as it was', () => {
    const [sea, sky] = jobKeys([job('sea'), job('sky')]);
    assert.deepEqual(jobKeys([job('dawn'), job('sky'), job('night'), job('sea')]).filter((key) => key === sea || key === sky).sort(), [sea, sky].sort());
  });

  it('what is sent makes the key (params in any key order alike); where the file goes does not', () => {
    const [base] = jobKeys([job('sea', { model: 'sora-2', params: { a: 1, b: { c: 2, d: 3 } } })]);
    assert.equal(jobKeys([job('sea', { model: 'sora-2', params: { b: { d: 3, c: 2 }, a: 1 }, output: 'elsewhere.mp4' })])[0], base);
    for (const changed of [{ model: 'sora-2-pro' }, { seconds: '8' }, { size: '720x1280' }, { inputReference: 'a.png' }, { remix: 'vid_x' }, { params: { a: 2, b: { c: 2, d: 3 } } }]) {
      assert.notEqual(jobKeys([job('sea', { model: 'sora-2', params: { a: 1, b: { c: 2, d: 3 } }, ...changed })])[0], base, JSON.stringify(changed));
    }
  });
});
