import assert from 'node:assert/strict';
import { type BinaryLike, createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { downloadVideo as downloadStream } from '../../src/core/download.js';
import { downloadVideo } from '../../src/index.js';
import { MAX_THROTTLE_PIECE } from '../../src/mock/body-writer.js';
import { type MockServer, startMockServer } from '../../src/mock/index.js';
import { bytesSha256, clientFor, contentRequests, fastRetry, fileSha256, removeTempDirs, servedSha256, tempDir, testKey } from '../helpers/download-sim.js';

const MiB = 1024 * 1024;
/**
 * Where the resets fall: throttled, and on a multiple of the simulator's throttle piece, so that
 * the client has bytes on disk to resume after when the connection is cut.
 */
const cutAt = 16 * MAX_THROTTLE_PIECE;

after(removeTempDirs);

/** A sha256 factory that counts the hashes it made and the chunks they were fed. */
function countingSha256(): { counts: { made: number; updates: number }; createHash: () => Hash } {
  const counts = { made: 0, updates: 0 };
  return {
    counts,
    createHash: () => {
      counts.made += 1;
      const hash = createHash('sha256');
      const update = hash.update.bind(hash);
      hash.update = ((data: BinaryLike) => {
        counts.updates += 1;
        return update(data);
      }) as Hash['update'];
      return hash;
    },
  };
}

/**
 * The sha256 costs about half a second of CPU per GiB, so it is computed only when asked for
 * (issue 16): a plain download, resumed or split, hashes nothing and reports no sha256; one that
 * asks for it gets the sha256 of the bytes that landed.
 */
describe('downloadVideo hashes only on demand', () => {
  let server: MockServer;
  let dir: string;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 16 });
    dir = await tempDir();
  });
  after(async () => {
    await server.close();
  });

  const library = (id: string, options: { hash?: boolean; connections?: number; createHash: () => Hash }) =>
    downloadVideo(id, { apiKey: testKey, baseUrl: server.baseUrl, path: join(dir, `${id}.mp4`), source: 'gateway', retry: fastRetry, ...options });

  it('a plain download resumed after a reset makes no hash and reads nothing back, and its file is whole', async () => {
    const id = 'size_4m_plain';
    server.setFaults(id, { reset: { afterBytes: cutAt, times: 1 }, throttle: 16 * MiB });
    const counter = countingSha256();
    const result = await library(id, { createHash: counter.createHash });
    assert.equal(result.resumed, true, 'the second attempt appended to the first one');
    assert.equal(contentRequests(server, id).length, 2);
    assert.deepEqual(counter.counts, { made: 0, updates: 0 });
    assert.equal(result.sha256, undefined);
    assert.equal(await fileSha256(result.path), await servedSha256(server, id));
  });

  it('a plain download over four connections makes no hash, not even the read of the finished file', async () => {
    const id = 'size_8m_split';
    const counter = countingSha256();
    const result = await library(id, { connections: 4, createHash: counter.createHash });
    assert.ok(contentRequests(server, id).length >= 4, 'the file was split into ranges');
    assert.deepEqual(counter.counts, { made: 0, updates: 0 });
    assert.equal(result.sha256, undefined);
    assert.equal(await fileSha256(result.path), await servedSha256(server, id));
  });

  it('hash: true gives the sha256 of the landed bytes, fed as they arrived, across a resume', async () => {
    const id = 'size_4m_hashed';
    server.setFaults(id, { reset: { afterBytes: cutAt, times: 1 }, throttle: 16 * MiB });
    const counter = countingSha256();
    const result = await library(id, { hash: true, createHash: counter.createHash });
    assert.equal(result.resumed, true);
    assert.ok(counter.counts.updates > 1, `the body was hashed as it came (${counter.counts.updates} updates)`);
    assert.equal(result.sha256, await servedSha256(server, id));
    assert.equal(await fileSha256(result.path), result.sha256);
  });

  it('hash: true over four connections gives the sha256 of the finished file', async () => {
    const id = 'size_8m_split_hashed';
    const counter = countingSha256();
    const result = await library(id, { hash: true, connections: 4, createHash: counter.createHash });
    assert.ok(counter.counts.made >= 1);
    assert.equal(result.sha256, await servedSha256(server, id));
  });

  it('to a stream (-o -): no hash unless asked for, the right one when asked', async () => {
    for (const hash of [false, true]) {
      const id = `size_2m_stream_${hash}`;
      const counter = countingSha256();
      const out = new PassThrough();
      const received = buffer(out);
      const result = await downloadStream(id, { client: clientFor(server), output: { kind: 'stream', stream: out }, retry: fastRetry, hash, createHash: counter.createHash });
      out.end();
      const bytes = await received;
      assert.equal(bytesSha256(bytes), await servedSha256(server, id));
      if (hash) {
        assert.equal(result.sha256, bytesSha256(bytes));
      } else {
        assert.deepEqual(counter.counts, { made: 0, updates: 0 });
        assert.equal(result.sha256, undefined);
      }
    }
  });
});
