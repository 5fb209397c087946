import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { MIN_STRUCTURED_SIZE, startMockServer } from '../../src/mock/index.js';
import type { MockServer, Payload } from '../../src/mock/index.js';
import { walkBoxes, walkBuffer } from './mp4-boxes.js';

let server: MockServer;
before(async () => {
  server = await startMockServer();
});
after(() => server.close());

async function bytesOf(payload: Payload, start = 0, end = payload.size - 1): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of payload.stream(start, end)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function readerOf(payload: Payload) {
  return (offset: number, length: number) => Buffer.concat([...payload.chunks(offset, offset + length - 1)]);
}

test('synthetic payloads are ftyp, mdat, moov boxes covering exactly the asked size', async () => {
  for (const size of [MIN_STRUCTURED_SIZE, 1000, 1024 * 1024, 3 * 1024 * 1024 + 7]) {
    const id = `size_${size}_walk`;
    const payload = server.payloadOf(id);
    assert.equal(payload.size, size);
    assert.equal(payload.contentType, 'video/mp4');
    const bytes = await bytesOf(payload);
    assert.equal(bytes.length, size);
    const boxes = walkBuffer(bytes);
    assert.ok(Array.isArray(boxes), `${size}: ${String(boxes)}`);
    assert.deepEqual(boxes.map((box) => box.type), ['ftyp', 'mdat', 'moov']);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), await payload.sha256());
  }
});

test('an mdat larger than 4 GiB - 1 uses a 64-bit largesize header', () => {
  const payload = server.payloadOf('size_5g');
  assert.equal(payload.size, 5 * 1024 ** 3);
  const boxes = walkBoxes(readerOf(payload), payload.size);
  assert.ok(Array.isArray(boxes), String(boxes));
  assert.deepEqual(boxes.map((box) => box.type), ['ftyp', 'mdat', 'moov']);
  const head = readerOf(payload)(24, 16);
  assert.equal(head.readUInt32BE(0), 1, 'size field 1 announces a largesize');
  assert.equal(Number(head.readBigUInt64BE(8)), boxes[1]?.size);
});

test('payloads below the minimum MP4 size are plain deterministic bytes', async () => {
  assert.equal((await bytesOf(server.payloadOf('size_0'))).length, 0);
  const small = await bytesOf(server.payloadOf('size_100'));
  assert.equal(small.length, 100);
  assert.deepEqual(await bytesOf(server.payloadOf('size_100')), small);
});

test('broken_ payloads have the right length and a wrong structure', async () => {
  const payload = server.payloadOf('broken_2m_x');
  assert.equal(payload.size, 2 * 1024 * 1024);
  assert.equal(typeof walkBuffer(await bytesOf(payload)), 'string');
  assert.equal(typeof walkBuffer(await bytesOf(server.payloadOf('broken_x'))), 'string');
});

test('bytes are deterministic per id and seed, and differ between ids and between blocks', async () => {
  const again = await startMockServer();
  const other = await startMockServer({ seed: 2 });
  try {
    const a = await bytesOf(server.payloadOf('size_8m_a'));
    assert.deepEqual(await bytesOf(again.payloadOf('size_8m_a')), a);
    assert.notDeepEqual(await bytesOf(other.payloadOf('size_8m_a')), a);
    assert.notDeepEqual(await bytesOf(server.payloadOf('size_8m_b')), a);
    const blocks = new Set<string>();
    for (let offset = 0; offset + 1024 * 1024 <= a.length; offset += 1024 * 1024) {
      blocks.add(createHash('sha1').update(a.subarray(offset, offset + 1024 * 1024)).digest('hex'));
    }
    assert.equal(blocks.size, 8, 'no two 1 MiB blocks alike');
  } finally {
    await Promise.all([again.close(), other.close()]);
  }
});

test('any range of a payload equals the same slice of the whole', async () => {
  const payload = server.payloadOf('size_3m_ranges');
  const whole = await bytesOf(payload);
  for (const [start, end] of [[0, 0], [0, 40], [30, 1024 * 1024 + 5], [1024 * 1024 - 1, 2 * 1024 * 1024], [whole.length - 200, whole.length - 1]] as const) {
    assert.deepEqual(await bytesOf(payload, start, end), whole.subarray(start, end + 1), `${start}-${end}`);
  }
});
