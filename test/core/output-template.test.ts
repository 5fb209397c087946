import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createdField, indexField, parseOutputTemplate, pathSegment, type TemplateValues } from '../../src/core/output-template.js';
import { EzvideoError } from '../../src/errors.js';

const values: TemplateValues = { id: 'vid_1', variant: 'video', ext: 'mp4', model: 'sora-2', created: '20261202-182554', seconds: '8', size: '1280x720', index: '07' };

describe('output templates', () => {
  it('renders every field', () => {
    const template = parseOutputTemplate('out/{model}/{created}-{index}-{id}-{variant}-{seconds}s-{size}.{ext}');
    assert.equal(template.render(values), 'out/sora-2/20261202-182554-07-vid_1-video-8s-1280x720.mp4');
    assert.deepEqual([template.hasFields, template.needsTask, template.perId, template.endsWithExt], [true, true, true, true]);
  });

  it('tells a plain name from a template, and which fields need the task', () => {
    const plain = parseOutputTemplate('out.mp4');
    assert.deepEqual([plain.hasFields, plain.needsTask, plain.perId, plain.render(values)], [false, false, false, 'out.mp4']);
    const byId = parseOutputTemplate('{id}.{ext}');
    assert.deepEqual([byId.needsTask, byId.perId], [false, true]);
    const byModel = parseOutputTemplate('{model}.mp4');
    assert.deepEqual([byModel.needsTask, byModel.perId, byModel.endsWithExt], [true, false, false]);
  });

  it('refuses an unknown field and a lone brace, naming the fields (exit 2)', () => {
    for (const bad of ['out/{modle}.mp4', 'out/{id.mp4', 'out/id}.mp4', 'out/{}.mp4']) {
      assert.throws(() => parseOutputTemplate(bad), (error: unknown) => error instanceof EzvideoError && error.exitCode === 2 && error.message.startsWith(bad), bad);
    }
    assert.throws(() => parseOutputTemplate('{modle}'), (error: unknown) => error instanceof EzvideoError && (error.hint ?? '').includes('{model}'));
  });

  it('makes every hostile server value one safe path segment', () => {
    const hostile: Array<[string | undefined, string]> = [
      ['../../x', '___.._x'],
      ['..', '__'],
      ['.', '_'],
      ['a/b', 'a_b'],
      ['a\\b', 'a_b'],
      ['nul\u0000byte', 'nulbyte'],
      ['tab\tand\nnewline', 'tabandnewline'],
      ['.hidden', '_hidden'],
      ['CON', '_CON'],
      ['lpt1.txt', '_lpt1.txt'],
      ['trailing. ', 'trailing'],
      ['what?<>:"|*', 'what_______'],
      ['', 'unknown'],
      [undefined, 'unknown'],
      ['\u0000', 'unknown'],
      ['c1\u0085\u009bcontrol', 'c1control'],
      ['evil\u202egpj.exe', 'evilgpj.exe'],
      ['line\u2028sep', 'linesep'],
      [`${'a'.repeat(99)}. x`, 'a'.repeat(99)],
      [`${'b'.repeat(99)} x`, 'b'.repeat(99)],
    ];
    for (const [value, expected] of hostile) assert.equal(pathSegment(value), expected, JSON.stringify(value));
  });

  it('caps a value at 100 bytes, never splitting a character', () => {
    assert.equal(pathSegment('m'.repeat(300)), 'm'.repeat(100));
    const wide = pathSegment('é'.repeat(300));
    assert.ok(Buffer.byteLength(wide) <= 100 && Buffer.byteLength(wide) >= 99, String(Buffer.byteLength(wide)));
    assert.ok(!wide.includes('\ufffd'));
  });

  it('renders server values as one segment each: a template cannot be climbed out of', () => {
    const template = parseOutputTemplate('out/{model}/{id}.{ext}');
    const rendered = template.render({ ...values, model: '../../../etc', id: 'a/../../b' });
    assert.equal(rendered.split('/').length, 3);
    assert.ok(rendered.startsWith('out/') && !rendered.split('/').includes('..'), rendered);
  });

  it('{created} sorts as text, {index} is padded to the count', () => {
    assert.equal(createdField(Date.UTC(2026, 11, 2, 18, 25, 54) / 1000), '20261202-182554');
    assert.equal(createdField(undefined), undefined);
    assert.deepEqual([indexField(7, 50), indexField(50, 50), indexField(1, 1), indexField(3, 1000)], ['07', '50', '1', '0003']);
  });
});
