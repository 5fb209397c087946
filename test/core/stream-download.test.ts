import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import type { ContentRequest } from '../../src/api/client.js';
import type { HttpResponse } from '../../src/api/transport.js';
import { downloadVideo } from '../../src/core/download.js';
import { EzvideoError, ExitCode } from '../../src/errors.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { MAX_THROTTLE_PIECE } from '../../src/mock/body-writer.js';
import { clientFor, contentRequests, fastRetry, resumedWithin, testKey } from '../helpers/download-sim.js';

const MiB = 1024 * 1024;
/** Throttled, and on a 64 KiB throttle piece, so the client has read every byte before the reset. */
const cutAt = 2 * MAX_THROTTLE_PIECE;

/** A stream standing in for stdout, and what reached it. */
function stdoutStandIn(): { stream: PassThrough; bytes: () => Buffer } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, bytes: () => Buffer.concat(chunks) };
}

const cannotContinue = (error: unknown): boolean =>
  error instanceof EzvideoError &&
  error.code === 'server' &&
  error.exitCode === ExitCode.network &&
  /cannot continue it/.test(error.message) &&
  /^Download to a file instead \(-o <file>\)/.test(error.hint ?? '');

describe('-o - (a stream that cannot be rewound) against the simulator', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 11 });
  });
  after(async () => {
    await server.close();
  });

  it('the download ends only once a slow reader has taken every byte (nothing left queued)', async () => {
    // Like a pipe to a lagging reader: writes are accepted under a high mark and completed later.
    // A download that resolved with writes still queued would lose them when the process exits.
    const id = 'size_1m_slow_reader';
    let received = 0;
    const slowReader = new Writable({
      highWaterMark: 4 * MiB,
      write(chunk: Buffer, _encoding, done) {
        setTimeout(() => {
          received += chunk.length;
          done();
        }, 1);
      },
    });
    const result = await downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: slowReader }, retry: fastRetry });
    assert.equal(slowReader.writableLength, 0, 'nothing still queued');
    assert.equal(received, MiB);
    assert.equal(result.bytes, MiB);
    assert.equal(result.resumed, false, 'one transfer, nothing resumed');
  });

  it('a reset answered by a 206 that continues the stream: every byte once, and the result says it resumed', async () => {
    const id = 'size_512k_stream_resumed';
    server.setFaults(id, { reset: { afterBytes: cutAt, times: 1 }, throttle: 4 * MiB });
    const out = stdoutStandIn();
    const result = await downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: out.stream }, retry: fastRetry });
    const served = await buffer((await clientFor(server).openContent(id)).body);
    assert.ok(out.bytes().equals(served), 'stdout got the served file, byte for byte');
    assert.equal(result.resumed, true);
    assert.equal(result.attempts, 2);
    assert.ok(resumedWithin(contentRequests(server, id)[1], cutAt), contentRequests(server, id)[1]?.range);
  });

  it('an output that closes mid-download (its reader went away): exit 9 at once, not retried, no hang', async () => {
    const id = 'size_4m_closed_reader';
    let received = 0;
    const closingReader = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // Like a pipe whose reader exited: the stream is gone, without an error of its own.
        if (received >= MiB) this.destroy();
        else done();
      },
    });
    await assert.rejects(
      downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: closingReader }, retry: fastRetry }),
      (error: unknown) => error instanceof EzvideoError && error.code === 'output' && error.exitCode === ExitCode.output && /stdout/.test(error.message),
    );
    assert.equal(contentRequests(server, id).length, 1, 'a dead output is not retried');
  });

  it('an abort while the reader takes nothing ends the download at once', async () => {
    const id = 'size_4m_stalled_reader';
    const stalledReader = new Writable({ highWaterMark: 64 * 1024, write() {} });
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    const running = downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: stalledReader }, retry: fastRetry, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort(reason);
    await assert.rejects(running, (error: unknown) => error === reason);
  });

  it('a resume answered with a full 200 ends at once: exit 8 after 2 content requests, not one per retry', async () => {
    const id = 'size_1m_noresume';
    server.setFaults(id, { reset: { afterBytes: cutAt }, ignoreRange: true, throttle: 4 * MiB });
    const out = stdoutStandIn();
    await assert.rejects(downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: out.stream }, retry: fastRetry }), cannotContinue);
    assert.equal(contentRequests(server, id).length, 2);
    assert.ok(out.bytes().length > 0 && out.bytes().length <= cutAt, `the start was never sent twice (${out.bytes().length} bytes)`);
  });

  it('a file that changed between attempts (etagChanges) is never spliced in: exit 8, stdout a prefix of the first version', async () => {
    const id = 'size_1m_changing';
    // A twin simulator (same seed) serves the same first version: what stdout may hold a prefix of.
    const twin = await startMockServer({ profile: 'ideal', key: testKey, seed: 11 });
    twin.setFaults(id, { etagChanges: true });
    const firstVersion = await buffer((await clientFor(twin).openContent(id)).body);
    await twin.close();

    server.setFaults(id, { etagChanges: true, reset: { afterBytes: cutAt, times: 1 }, throttle: 4 * MiB });
    const out = stdoutStandIn();
    await assert.rejects(downloadVideo(id, { client: clientFor(server), output: { kind: 'stream', stream: out.stream }, retry: fastRetry }), cannotContinue);
    const written = out.bytes();
    assert.ok(written.length > 0 && written.length <= cutAt, `${written.length} bytes`);
    assert.ok(written.equals(firstVersion.subarray(0, written.length)), 'stdout holds a prefix of the first version only');
    assert.equal(contentRequests(server, id).length, 2);
  });
});

interface FakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Cut the body (as a connection reset would) after it was sent. */
  reset: boolean;
}

/** A client whose content answers are scripted, recording the headers of each request. */
function scriptedClient(answers: FakeAnswer[]): { client: Parameters<typeof downloadVideo>[1]['client']; requests: Record<string, string>[] } {
  const requests: Record<string, string>[] = [];
  const client = {
    contentUrl: (id: string) => `http://fake.invalid/v1/videos/${id}/content`,
    openContent: async (_id: string, request: ContentRequest = {}): Promise<HttpResponse> => {
      requests.push({ ...request.headers });
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more scripted answers');
      let sent = false;
      // highWaterMark 0: the next read (and so the cut) only comes once the bytes were taken.
      const body = new Readable({
        highWaterMark: 0,
        read() {
          if (!sent) {
            sent = true;
            this.push(answer.body);
          } else if (answer.reset) {
            this.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
          } else {
            this.push(null);
          }
        },
      });
      return { status: answer.status, headers: answer.headers, body: body as HttpResponse['body'], url: new URL('http://fake.invalid/') };
    },
    // The stream engine never needs the status or a direct link for these answers.
    getVideo: () => Promise.reject(new Error('no status call expected')),
    openLink: () => Promise.reject(new Error('no direct link expected')),
  };
  return { client, requests };
}

describe('-o - with validators a real server may send', () => {
  const lastModified = 'Tue, 01 Jan 2030 00:00:00 GMT';

  it('only a weak ETag: the resume asks If-Range with Last-Modified, and a 206 of another ETag is not appended', async () => {
    const { client, requests } = scriptedClient([
      { status: 200, headers: { etag: 'W/"v1"', 'last-modified': lastModified, 'content-length': '20' }, body: Buffer.from('AAAAAAAAAA'), reset: true },
      { status: 206, headers: { etag: 'W/"v2"', 'last-modified': lastModified, 'content-length': '10', 'content-range': 'bytes 10-19/20' }, body: Buffer.from('BBBBBBBBBB'), reset: false },
    ]);
    const out = stdoutStandIn();
    await assert.rejects(downloadVideo('vid_weak', { client, output: { kind: 'stream', stream: out.stream }, retry: fastRetry }), cannotContinue);
    assert.equal(requests.length, 2);
    assert.equal(requests[1]?.['range'], 'bytes=10-');
    assert.equal(requests[1]?.['if-range'], lastModified);
    assert.equal(out.bytes().toString(), 'AAAAAAAAAA');
  });

  it('the same validators on the 206: the transfer continues and stdout gets every byte once', async () => {
    const { client, requests } = scriptedClient([
      { status: 200, headers: { etag: '"v1"', 'content-length': '20' }, body: Buffer.from('AAAAAAAAAA'), reset: true },
      { status: 206, headers: { etag: '"v1"', 'content-length': '10', 'content-range': 'bytes 10-19/20' }, body: Buffer.from('BBBBBBBBBB'), reset: false },
    ]);
    const out = stdoutStandIn();
    const result = await downloadVideo('vid_strong', { client, output: { kind: 'stream', stream: out.stream }, retry: fastRetry });
    assert.equal(requests[1]?.['if-range'], '"v1"');
    assert.equal(out.bytes().toString(), 'AAAAAAAAAABBBBBBBBBB');
    assert.equal(result.bytes, 20);
  });

  it('no validators at all: the resume sends no If-Range, and a 206 of the same source that continues is appended', async () => {
    const { client, requests } = scriptedClient([
      { status: 200, headers: { 'content-length': '20' }, body: Buffer.from('AAAAAAAAAA'), reset: true },
      { status: 206, headers: { 'content-length': '10', 'content-range': 'bytes 10-19/20' }, body: Buffer.from('BBBBBBBBBB'), reset: false },
    ]);
    const out = stdoutStandIn();
    const result = await downloadVideo('vid_plain', { client, output: { kind: 'stream', stream: out.stream }, retry: fastRetry });
    assert.equal(requests[1]?.['range'], 'bytes=10-');
    assert.ok(!('if-range' in (requests[1] ?? {})), JSON.stringify(requests[1]));
    // Byte offsets are offsets of the file only when nothing is compressed on the way.
    assert.deepEqual(requests.map((request) => request['accept-encoding']), ['identity', 'identity']);
    assert.equal(out.bytes().toString(), 'AAAAAAAAAABBBBBBBBBB');
    assert.equal(result.resumed, true);
  });
});
