import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeBodyAt } from '../../src/core/body-pump.js';
import { removeTempDirs, tempDir } from '../helpers/download-sim.js';

const KiB = 1024;

/** A body handed out a chunk at a time, as a socket does (64 KiB, or less after headers or TLS). */
function socketLikeBody(bytes: Buffer, chunkBytes = 64 * KiB): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  return Readable.from(chunks);
}

/** Writes into a real file, slowly enough that a second write started too early would overlap. */
async function recordingWriter(path: string): Promise<{
  write: (buffers: Buffer[], position: number) => Promise<void>;
  writes: Array<{ position: number; bytes: number }>;
  mostAtOnce: () => number;
  close: () => Promise<void>;
}> {
  const handle = await open(path, 'w+');
  const writes: Array<{ position: number; bytes: number }> = [];
  let inFlight = 0;
  let mostAtOnce = 0;
  return {
    write: async (buffers, position) => {
      inFlight += 1;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      writes.push({ position, bytes: buffers.reduce((sum, buffer) => sum + buffer.length, 0) });
      await handle.writev(buffers, position);
      await sleep(1);
      inFlight -= 1;
    },
    writes,
    mostAtOnce: () => mostAtOnce,
    close: () => handle.close(),
  };
}

after(removeTempDirs);

describe('writeBodyAt', () => {

  it('writes the body in order, one write at a time, in batches of 512 KiB plus at most one chunk', async () => {
    const chunkBytes = 50 * KiB + 3;
    const body = randomBytes(3 * 1024 * KiB + 5000);
    const path = join(await tempDir(), 'whole.part');
    const writer = await recordingWriter(path);
    const reported: number[] = [];
    const written = await writeBodyAt(socketLikeBody(body, chunkBytes), { position: 0, write: writer.write, onWritten: (bytes) => reported.push(bytes), now: () => 0 });
    await writer.close();

    assert.equal(written, body.length);
    assert.ok((await readFile(path)).equals(body), 'the file is the body');
    // One write in flight keeps the file a prefix of the body at every moment, so a part file
    // cut short by a kill is still a valid start to resume from.
    assert.equal(writer.mostAtOnce(), 1);
    let next = 0;
    for (const { position, bytes } of writer.writes) {
      assert.equal(position, next, 'each write starts where the last one ended');
      next += bytes;
    }
    // Large writes cost far more system time on virtual machines that return free memory to the
    // host; writes one chunk at a time cost a thread-pool round trip each.
    const sizes = writer.writes.map((write) => write.bytes);
    for (const bytes of sizes.slice(0, -1)) assert.ok(bytes >= 512 * KiB && bytes < 512 * KiB + chunkBytes, `writes of ${sizes.join(', ')} bytes`);
    assert.equal(reported.at(-1), body.length);
  });

  it('from a position, takes the limit and no more', async () => {
    const body = randomBytes(1024 * KiB);
    const path = join(await tempDir(), 'range.part');
    const writer = await recordingWriter(path);
    const written = await writeBodyAt(socketLikeBody(body), { position: 1000, limit: 300 * KiB + 7, write: writer.write, onWritten: () => {}, now: () => 0 });
    await writer.close();

    assert.equal(written, 300 * KiB + 7);
    const file = await readFile(path);
    assert.equal(file.length, 1000 + 300 * KiB + 7);
    assert.ok(file.subarray(1000).equals(body.subarray(0, 300 * KiB + 7)));
  });
});
