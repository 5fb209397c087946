import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VideoApiClient } from '../../src/api/client.js';
import { downloadVideo, type DownloadOptions } from '../../src/core/download.js';
import { SizeLimitError } from '../../src/core/download-errors.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { clientFor, contentRequests, fastRetry, filesIn, removeTempDirs, servedSha256, tempDir } from '../helpers/download-sim.js';
import { MemoryStream } from '../helpers/memory-io.js';

const MiB = 1024 * 1024;

/** A size refusal: exit 9, code `integrity`, its message naming the id. */
function refused(id: string, words: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof SizeLimitError, String(error));
    assert.equal(error.exitCode, 9);
    assert.equal(error.code, 'integrity');
    assert.match(error.message, new RegExp(`^${id}: `));
    assert.match(error.message, words);
    return true;
  };
}

describe('size guards against the simulator: --max-filesize and --min-filesize', () => {
  let server: MockServer;
  let client: VideoApiClient;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', seed: 15 });
    client = clientFor(server);
  });
  after(async () => {
    await client.close();
    await server.close();
    await removeTempDirs();
  });

  const toFile = async (id: string, options: Partial<DownloadOptions>): Promise<{ dir: string; run: Promise<unknown> }> => {
    const dir = await tempDir();
    const run = downloadVideo(id, { client, output: { kind: 'file', path: join(dir, `${id}.mp4`), renameByType: false }, retry: fastRetry, ...options });
    return { dir, run };
  };

  it('max: refused from the Content-Length before the body is read; one request, nothing left', async () => {
    const id = 'size_64m_max_announced';
    const { dir, run } = await toFile(id, { maxBytes: MiB });
    await assert.rejects(run, refused(id, /the file is 64\.0 MiB \(67108864 bytes\), more than --max-filesize 1\.0 MiB/));
    const requests = contentRequests(server, id);
    assert.equal(requests.length, 1, 'not retried');
    // What the server managed to push into the socket buffers before the answer was dropped.
    assert.ok((requests[0]?.bodyBytes ?? 0) < 16 * MiB, `${requests[0]?.bodyBytes} body bytes sent`);
    assert.deepEqual(filesIn(dir), []);
  });

  it('max: with no size announced (chunked), the transfer stops as the bytes would pass it; no part left', async () => {
    const id = 'size_4m_max_chunked';
    server.setFaults(id, { chunkedCut: { atByte: Number.MAX_SAFE_INTEGER } });
    const { dir, run } = await toFile(id, { maxBytes: MiB });
    await assert.rejects(run, refused(id, /the file passed 1\.0 MiB while it downloaded \(its size was not announced\), more than --max-filesize 1\.0 MiB/));
    assert.equal(contentRequests(server, id).length, 1, 'not retried');
    assert.deepEqual(filesIn(dir), []);
  });

  it('max: --connections 4 is refused on the probe answer, before any range is asked', async () => {
    const id = 'size_8m_max_split';
    const { dir, run } = await toFile(id, { maxBytes: 2 * MiB, connections: 4 });
    await assert.rejects(run, refused(id, /more than --max-filesize 2\.0 MiB/));
    assert.equal(contentRequests(server, id).length, 1);
    assert.deepEqual(filesIn(dir), []);
  });

  it('max: a split left by an earlier run without the limit is refused on its recorded size, and its files go', async () => {
    const id = 'size_8m_max_resplit';
    const dir = await tempDir();
    const path = join(dir, `${id}.mp4`);
    // The earlier run: a split download cut after its first bytes.
    server.setFaults(id, { reset: { afterBytes: 300_000, times: 4 } });
    await assert.rejects(downloadVideo(id, { client, output: { kind: 'file', path, renameByType: false }, connections: 4, retry: { ...fastRetry, retries: 0 } }));
    assert.ok(filesIn(dir).includes(`${id}.mp4.part.ranges.json`), filesIn(dir).join(' '));
    const before = contentRequests(server, id).length;
    await assert.rejects(
      downloadVideo(id, { client, output: { kind: 'file', path, renameByType: false }, connections: 4, maxBytes: 2 * MiB, retry: fastRetry }),
      refused(id, /the file is 8\.0 MiB/),
    );
    assert.equal(contentRequests(server, id).length, before, 'refused with no request');
    assert.deepEqual(filesIn(dir), []);
  });

  it('max to stdout (-o -): refused before any byte when announced; no byte past it when not', async () => {
    const announced = new MemoryStream();
    await assert.rejects(downloadVideo('size_4m_max_stdout', { client, output: { kind: 'stream', stream: announced }, maxBytes: MiB, retry: fastRetry }), refused('size_4m_max_stdout', /4\.0 MiB/));
    assert.equal(announced.bytes().length, 0);
    const id = 'size_4m_max_stdout_chunked';
    server.setFaults(id, { chunkedCut: { atByte: Number.MAX_SAFE_INTEGER } });
    const streamed = new MemoryStream();
    await assert.rejects(downloadVideo(id, { client, output: { kind: 'stream', stream: streamed }, maxBytes: MiB, retry: fastRetry }), refused(id, /while it downloaded/));
    assert.ok(streamed.bytes().length <= MiB, `${streamed.bytes().length} bytes written`);
    assert.equal(contentRequests(server, id).length, 1, 'not retried');
  });

  it('min: error JSON served as video/mp4 is refused from its Content-Length; one request, nothing left', async () => {
    const id = 'vid_min_error_page';
    server.setFaults(id, { errorAsVideo: {} });
    const { dir, run } = await toFile(id, { minBytes: 10 * 1024 });
    await assert.rejects(run, refused(id, /the server announced \d+ bytes, less than --min-filesize 10\.0 KiB \(an error page served as the file\?\)/));
    assert.equal(contentRequests(server, id).length, 1);
    assert.deepEqual(filesIn(dir), []);
  });

  it('min: the same page without a Content-Length is refused once it ended, not retried as a cut transfer', async () => {
    const id = 'vid_min_error_chunked';
    server.setFaults(id, { errorAsVideo: { chunked: true } });
    const { dir, run } = await toFile(id, { minBytes: 10 * 1024 });
    await assert.rejects(run, refused(id, /the server sent \d+ bytes, less than --min-filesize/));
    assert.equal(contentRequests(server, id).length, 1, 'not retried');
    assert.deepEqual(filesIn(dir), []);
  });

  it('min to stdout: refused after the page went out, exit 9 all the same', async () => {
    const id = 'vid_min_error_stdout';
    server.setFaults(id, { errorAsVideo: { chunked: true } });
    await assert.rejects(downloadVideo(id, { client, output: { kind: 'stream', stream: new MemoryStream() }, minBytes: 10 * 1024, retry: fastRetry }), refused(id, /less than --min-filesize/));
  });

  it('a file of exactly the limits lands, whole, under both', async () => {
    const id = 'size_1m_exact_limits';
    const { dir, run } = await toFile(id, { maxBytes: MiB, minBytes: MiB, hash: true });
    const result = (await run) as { sha256: string; bytes: number };
    assert.equal(result.bytes, MiB);
    assert.equal(result.sha256, await servedSha256(server, id));
    assert.deepEqual(filesIn(dir), [`${id}.mp4`]);
  });

  it('an existing part file is dropped with the refusal, so a re-run does not resume it', async () => {
    const id = 'size_4m_max_old_part';
    server.setFaults(id, { reset: { afterBytes: 500_000, times: 1 } });
    const { dir, run: first } = await toFile(id, { retry: { ...fastRetry, retries: 0 } });
    await assert.rejects(first);
    assert.ok(filesIn(dir).includes(`${id}.mp4.part`));
    writeFileSync(join(dir, 'keep.txt'), 'not ours');
    await assert.rejects(
      downloadVideo(id, { client, output: { kind: 'file', path: join(dir, `${id}.mp4`), renameByType: false }, maxBytes: MiB, retry: fastRetry }),
      refused(id, /more than --max-filesize/),
    );
    assert.deepEqual(filesIn(dir), ['keep.txt']);
  });
});
