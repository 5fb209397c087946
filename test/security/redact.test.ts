/**
 * The last line of defence for the API key (src/redact.ts): whatever text reaches stdout or
 * stderr, from any layer, has the key replaced, on the stream object the CLI really writes to.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { redactStream, redactText } from '../../src/redact.js';

const key = 'sk-test-0123456789';

function patchedStream(secrets: () => readonly string[]): { stream: PassThrough; written: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  redactStream(stream, secrets);
  return { stream, written: () => Buffer.concat(chunks).toString('utf8') };
}

describe('redactStream', () => {
  it('replaces every occurrence of the key in text written to the stream, and passes the rest and the callback through', async () => {
    const { stream, written } = patchedStream(() => [key]);
    const done = new Promise<void>((resolve) => stream.write(`Bearer ${key} and ${key} again\n`, 'utf8', () => resolve()));
    await done;
    assert.equal(written(), 'Bearer [redacted] and [redacted] again\n');
  });

  it('reads the secrets at each write: a key known only later is still caught', () => {
    const secrets: string[] = [];
    const { stream, written } = patchedStream(() => secrets);
    stream.write(`before ${key}\n`);
    secrets.push(key);
    stream.write(`after ${key}\n`);
    assert.equal(written(), `before ${key}\nafter [redacted]\n`);
  });

  it('leaves bytes alone (a video on stdout is never rewritten) and keeps the stream object itself', () => {
    const { stream, written } = patchedStream(() => [key]);
    const bytes = Buffer.from(`raw ${key}`);
    stream.write(bytes);
    assert.equal(written(), `raw ${key}`);
    assert.ok(stream instanceof PassThrough, 'patched in place, so isTTY and cursor methods stay');
  });
});

describe('redactText', () => {
  it('replaces each secret, and leaves secrets shorter than 4 characters alone (they would blank out ordinary words)', () => {
    assert.equal(redactText(`a ${key} b ${key}`, [key]), 'a [redacted] b [redacted]');
    assert.equal(redactText('the cat sat', ['at']), 'the cat sat');
    assert.equal(redactText('abcd and abcde', ['abcd']), '[redacted] and [redacted]e');
    assert.equal(redactText('two keys: k1k1k1 k2k2k2', ['k1k1k1', 'k2k2k2']), 'two keys: [redacted] [redacted]');
  });
});
