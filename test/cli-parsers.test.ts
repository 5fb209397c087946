import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteCount, parseCount, parseDuration, parseHttpUrl, parseParam, parsePositiveByteCount } from '../src/cli-parsers.js';

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1m30s', 90_000], ['5', 5000], ['0.5', 500]];
  for (const [text, ms] of cases) it(`${text} -> ${ms}`, () => assert.equal(parseDuration(text), ms));
  for (const bad of ['', 'abc', '5x', '-1s', '1s2', 's']) it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseDuration(bad)));
});

describe('parseByteCount', () => {
  const cases: Array<[string, number]> = [['1000', 1000], ['500k', 500 * 1024], ['2M', 2 * 1024 ** 2], ['1.5MiB', 1.5 * 1024 ** 2], ['64KiB', 64 * 1024], ['1g', 1024 ** 3], ['0.5k', 512], ['0', 0]];
  for (const [text, bytes] of cases) it(`${text} -> ${bytes}`, () => assert.equal(parseByteCount(text), bytes));
  for (const bad of ['', 'k', '1.5', '-1k', '1kb', '1x', '1.k', '1e3']) it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseByteCount(bad)));
  it('a rate must be more than zero', () => {
    assert.equal(parsePositiveByteCount('1k'), 1024);
    assert.throws(() => parsePositiveByteCount('0'), /greater than zero/);
  });
});

describe('counts and URLs', () => {
  it('counts are whole numbers in range', () => {
    assert.equal(parseCount(10)('3'), 3);
    for (const bad of ['-1', '1.5', 'x', '11', '']) assert.throws(() => parseCount(10)(bad), bad);
  });
  it('only http(s) base URLs', () => {
    assert.equal(parseHttpUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    for (const bad of ['ftp://x', 'file:///etc', 'nota url']) assert.throws(() => parseHttpUrl(bad), bad);
  });
});

describe('parseParam', () => {
  it('gathers key=value pairs, a JSON value as JSON, anything else as the text given', () => {
    const gathered = ['n=2', 'loop=true', 'metadata={"a":[1]}', 'style=noir', 'note=a=b', 'empty='].reduce<Record<string, unknown> | undefined>((all, value) => parseParam(value, all), undefined);
    assert.deepEqual(gathered, { n: 2, loop: true, metadata: { a: [1] }, style: 'noir', note: 'a=b', empty: '' });
  });
  it('refuses no key, and the fields that have flags of their own', () => {
    for (const bad of ['novalue', '=x']) assert.throws(() => parseParam(bad, undefined), /key=value/);
    assert.throws(() => parseParam('input_reference=a.png', undefined), /use --input-reference/);
  });
});
