import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideResume, refusalReason, type ResumeAsk, type ResumeVerdict } from '../../src/core/resume-decision.js';

const strong = '"v1"';
const recorded = { etag: strong, totalBytes: 100 };
const resuming: ResumeAsk = { offset: 40, probing: false, recorded, proveSameFile: false };
const fresh: ResumeAsk = { offset: 0, probing: false, recorded: undefined, proveSameFile: false };
const probe: ResumeAsk = { offset: 0, probing: true, recorded: undefined, proveSameFile: false };

type Row = [name: string, ask: ResumeAsk, status: number, headers: Record<string, string>, expected: ResumeVerdict['action'], detail?: RegExp];

/** Every answer a download can meet, and what it does with the bytes on disk. */
const rows: Row[] = [
  ['a 206 that continues exactly where we are', resuming, 206, { 'content-range': 'bytes 40-99/100', etag: strong }, 'append'],
  ['a 206 without an ETag, same source', resuming, 206, { 'content-range': 'bytes 40-99/100' }, 'append'],
  ['a 206 that starts elsewhere', resuming, 206, { 'content-range': 'bytes 0-99/100', etag: strong }, 'restart', /another range than the one asked for \(bytes 0-99\/100\)/],
  ['a 206 of another total', resuming, 206, { 'content-range': 'bytes 40-119/120', etag: strong }, 'restart', /another range/],
  ['a 206 under another ETag', resuming, 206, { 'content-range': 'bytes 40-99/100', etag: '"v2"' }, 'restart', /content changed/],
  ['one range of a split download, exactly as asked', { ...resuming, end: 60 }, 206, { 'content-range': 'bytes 40-59/100', etag: strong }, 'append'],
  ['one range of a split download, running past its end', { ...resuming, end: 60 }, 206, { 'content-range': 'bytes 40-99/100', etag: strong }, 'restart', /another range/],
  ['one range of a split download, ending short', { ...resuming, end: 60 }, 206, { 'content-range': 'bytes 40-49/100', etag: strong }, 'restart', /another range/],
  ['one range of a split download under another ETag', { ...resuming, end: 60 }, 206, { 'content-range': 'bytes 40-59/100', etag: '"v2"' }, 'restart', /content changed/],
  ['one range of a split download without an ETag', { ...resuming, end: 60, proveSameFile: true }, 206, { 'content-range': 'bytes 40-59/100' }, 'restart', /no matching strong ETag/],
  ['one range of a split download answered with the whole file', { ...resuming, end: 60 }, 200, { 'content-length': '100', etag: strong }, 'whole'],
  ['a 206 with no Content-Range', resuming, 206, { etag: strong }, 'restart', /no Content-Range/],
  ['a 206 from another source under the same strong ETag', { ...resuming, proveSameFile: true }, 206, { 'content-range': 'bytes 40-99/100', etag: strong }, 'append'],
  ['a 206 from another source without an ETag', { ...resuming, proveSameFile: true }, 206, { 'content-range': 'bytes 40-99/100' }, 'restart', /no matching strong ETag/],
  ['a 206 from another source under a weak ETag', { ...resuming, proveSameFile: true, recorded: { etag: 'W/"v1"', totalBytes: 100 } }, 206, { 'content-range': 'bytes 40-99/100', etag: 'W/"v1"' }, 'restart', /strong ETag/],
  ['a 206 to a request for the whole file', fresh, 206, { 'content-range': 'bytes 0-99/100' }, 'refuse', /partial answer/],
  ['a 200 to a range request: Range ignored', resuming, 200, { 'content-length': '100', etag: strong }, 'whole', /ignored the range/],
  ['a 200 under another ETag: the content changed', resuming, 200, { 'content-length': '100', etag: '"v2"' }, 'whole', /content changed/],
  ['a 200 to a request for the whole file', fresh, 200, { 'content-length': '100' }, 'whole'],
  ['a 416 that confirms the file is complete', { ...resuming, offset: 100 }, 416, { 'content-range': 'bytes */100' }, 'done'],
  ['a 416 without Content-Range at the end of the recorded size', { ...resuming, offset: 100 }, 416, {}, 'done'],
  ['a 206 with an ETag where none was recorded, same source', { ...resuming, recorded: { etag: undefined, totalBytes: 100 } }, 206, { 'content-range': 'bytes 40-99/100', etag: strong }, 'append'],
  ['a 206 from another source where no ETag was recorded', { ...resuming, proveSameFile: true, recorded: { etag: undefined, totalBytes: 100 } }, 206, { 'content-range': 'bytes 40-99/100', etag: strong }, 'restart', /no matching strong ETag/],
  ['a 206 without an ETag from another source where none was recorded', { ...resuming, proveSameFile: true, recorded: { etag: undefined, totalBytes: 100 } }, 206, { 'content-range': 'bytes 40-99/100' }, 'restart', /no matching strong ETag/],
  ['a 416 for another size', { ...resuming, offset: 100 }, 416, { 'content-range': 'bytes */120' }, 'restart', /416/],
  ['a 416 short of the end', resuming, 416, { 'content-range': 'bytes */100' }, 'restart', /refused to continue at byte 40/],
  ['a 416 to a request for the whole file', fresh, 416, {}, 'refuse', /416/],
  ['a 304 to a range request', resuming, 304, {}, 'restart', /304/],
  ['a 304 to a request without validators', fresh, 304, {}, 'refuse', /304/],
  ['the probe proved ranges: 206 of the whole file', probe, 206, { 'content-range': 'bytes 0-99/100' }, 'whole'],
  ['the probe got a shifted range', probe, 206, { 'content-range': 'bytes 5-99/100' }, 'ask-plainly'],
  ['the probe got only the start of the file', probe, 206, { 'content-range': 'bytes 0-49/100' }, 'ask-plainly'],
  ['the probe got a 206 without Content-Range', probe, 206, {}, 'ask-plainly'],
  ['the probe got a 416 that claims the whole range: only a 206 proves ranges', probe, 416, { 'content-range': 'bytes 0-99/100' }, 'ask-plainly'],
  ['the probe got a 416 (empty file)', probe, 416, {}, 'ask-plainly'],
  ['the probe got a 200', probe, 200, { 'content-length': '100' }, 'whole'],
];

describe('decideResume: one rule for every engine', () => {
  for (const [name, ask, status, headers, expected, detail] of rows) {
    it(`${name} -> ${expected}`, () => {
      const verdict = decideResume(ask, { status, headers });
      assert.equal(verdict.action, expected);
      const text = 'reason' in verdict ? verdict.reason : verdict.action === 'whole' ? verdict.restart : undefined;
      if (detail !== undefined) assert.match(text ?? '', detail);
      if (expected === 'whole' && ask.offset === 0) assert.equal(text, undefined, 'nothing on disk to drop');
    });
  }
  it('an append reports the size and whether it runs to the end (ranges proven)', () => {
    assert.deepEqual(decideResume({ ...resuming, recorded: { etag: strong, totalBytes: undefined } }, { status: 206, headers: { 'content-range': 'bytes 40-99/100' } }), { action: 'append', total: 100, rangesProven: true });
    assert.deepEqual(decideResume(resuming, { status: 206, headers: { 'content-range': 'bytes 40-59/100' } }), { action: 'append', total: 100, rangesProven: false });
  });
  it('the probe that proved ranges says so', () => {
    assert.deepEqual(decideResume(probe, { status: 206, headers: { 'content-range': 'bytes 0-99/100' } }), { action: 'whole', total: 100, rangesProven: true, restart: undefined, rangeIgnored: false });
  });
  it('a 200 to a range request says whether Range was ignored or the file changed', () => {
    const whole = (etag: string) => decideResume(resuming, { status: 200, headers: { 'content-length': '100', etag } });
    assert.deepEqual(whole(strong), { action: 'whole', total: 100, rangesProven: false, restart: 'the server ignored the range request', rangeIgnored: true });
    assert.deepEqual(whole('"v2"'), { action: 'whole', total: 100, rangesProven: false, restart: 'the content changed on the server', rangeIgnored: false });
  });
  it('refusalReason: none for an append, the words of every other verdict', () => {
    assert.deepEqual(
      [
        refusalReason({ action: 'append', total: 100, rangesProven: false }),
        refusalReason({ action: 'whole', total: 100, rangesProven: false, restart: 'the server ignored the range request', rangeIgnored: true }),
        refusalReason({ action: 'whole', total: 100, rangesProven: false, restart: undefined, rangeIgnored: false }),
        refusalReason({ action: 'restart', reason: 'why restart' }),
        refusalReason({ action: 'refuse', reason: 'why refuse' }),
        refusalReason({ action: 'done' }),
        refusalReason({ action: 'ask-plainly' }),
      ],
      [
        undefined,
        'the server ignored the range request',
        'the server answered with the whole file',
        'why restart',
        'why refuse',
        'the server says the file is already complete',
        'the answer proves nothing about ranges',
      ],
    );
  });
});
