import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { VideoApiClient } from '../../src/api/client.js';
import { type DownloadOptions, downloadVideo } from '../../src/core/download.js';
import { rangesStatePath, readRangesState } from '../../src/core/part-state.js';
import { MAX_THROTTLE_PIECE } from '../../src/mock/body-writer.js';
import { type MockServer, startMockServer } from '../../src/mock/index.js';
import { clientFor, contentRequests, eventLog, exists, fastRetry, fileSha256, rangeStart, removeTempDirs, resumedWithin, servedSha256, sidecars, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';

const MiB = 1024 * 1024;
/** A multiple of the simulator's 64 KiB throttle piece, where its reset is always delivered. */
const cutAt = 11 * MAX_THROTTLE_PIECE;

after(removeTempDirs);

/** `--connections 4` through the library, against the simulator: every file compared with what it serves. */
describe('downloadVideo with several connections', () => {
  let server: MockServer;
  let dir: string;
  before(async () => {
    server = await startMockServer({ profile: 'ideal', key: testKey, seed: 11 });
    dir = await tempDir();
  });
  after(async () => {
    await server.close();
  });

  const download = (id: string, overrides: Partial<DownloadOptions> = {}) =>
    downloadVideo(id, {
      client: clientFor(server),
      output: { kind: 'file', path: join(dir, `${id}.mp4`), renameByType: false },
      retry: fastRetry,
      connections: 4,
      // The sha256 of a split download is one read of the finished file: asked for, and checked.
      hash: true,
      ...overrides,
    });

  async function assertLandedClean(id: string, sha256: string | undefined): Promise<void> {
    const path = join(dir, `${id}.mp4`);
    assert.equal(sha256, await servedSha256(server, id));
    assert.equal(await fileSha256(path), sha256);
    const { part, state, lock } = sidecars(path);
    for (const sidecar of [part, state, lock, rangesStatePath(part)]) assert.equal(await exists(sidecar), false, `${sidecar} left behind`);
  }

  it('proves ranges with `bytes=0-`, then fetches the other three ranges with If-Range, in place', async () => {
    const id = 'size_8m_split';
    const result = await download(id);
    await assertLandedClean(id, result.sha256);
    assert.deepEqual([result.bytes, result.attempts, result.verified], [8 * MiB, 1, 'ok']);
    const requests = contentRequests(server, id);
    assert.deepEqual(requests[0] && [requests[0].range, requests[0].status], ['bytes=0-', 206]);
    assert.deepEqual(
      requests.slice(1).map((request) => [request.range, request.status]).sort(),
      [
        ['bytes=2097152-4194303', 206],
        ['bytes=4194304-6291455', 206],
        ['bytes=6291456-8388607', 206],
      ],
    );
  });

  it('a reset on one range: every range resumes where it was, and the file is identical', async () => {
    const id = 'size_8m_reset';
    server.setFaults(id, { throttle: 8 * MiB, reset: { afterBytes: cutAt, times: 1 } });
    const log = eventLog();
    const result = await download(id, { onEvent: log.sink });
    await assertLandedClean(id, result.sha256);
    assert.equal(result.attempts, 2);
    assert.equal(result.resumed, false, 'nothing came from an earlier run');
    const requests = contentRequests(server, id);
    assert.equal(requests[0]?.cut, 'reset');
    // The first range (0 .. 2 MiB) went on from the byte where it was cut, as a bounded range.
    assert.ok(
      requests.some((request) => resumedWithin(request, cutAt) && request.range?.endsWith(`-${2 * MiB - 1}`) && request.status === 206),
      JSON.stringify(requests.map((request) => request.range)),
    );
    // No range started again from its beginning: the bytes already written were kept.
    const retried = requests.slice(4);
    for (const request of retried) assert.ok(![0, 2 * MiB, 4 * MiB, 6 * MiB].includes(rangeStart(request)), request.range);
    assert.equal(log.ofType('download-retry').length, 1);
  });

  it('a server that stops honouring ranges halfway: back to one connection, restarted cleanly, identical', async () => {
    const id = 'size_8m_stops';
    server.setFaults(id, { throttle: 8 * MiB, reset: { afterBytes: cutAt, times: 1 } });
    const log = eventLog();
    const result = await download(id, {
      onEvent: log.sink,
      // The retry delay is where the server changes its mind: from now on it answers 200.
      sleep: async () => {
        server.setFaults(id, { ignoreRange: true });
      },
    });
    await assertLandedClean(id, result.sha256);
    const warnings = log.ofType('download-warning').map((event) => event.message);
    assert.ok(warnings.some((message) => /the server ignored the range request; going on over one connection/.test(message)), warnings.join('\n'));
    const last = contentRequests(server, id).at(-1);
    assert.equal(last?.status, 200, 'the single connection took the whole file');
  });

  it('interrupted, then resumed with the same connections: each range goes on from its recorded progress', async () => {
    const id = 'size_8m_resume';
    const path = join(dir, `${id}.mp4`);
    const rangesPath = rangesStatePath(sidecars(path).part);
    server.setFaults(id, { throttle: 1 * MiB });
    const controller = new AbortController();
    const first = download(id, { signal: controller.signal });
    assert.ok(await waitUntil(() => contentRequests(server, id).length === 4, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 700));
    controller.abort(new Error('stop'));
    await assert.rejects(first);
    const saved = await readRangesState(rangesPath);
    assert.ok(typeof saved === 'object', `no ranges state: ${String(saved)}`);
    assert.ok(saved.ranges.every((range) => range.done > 0 && range.done < range.end - range.start), JSON.stringify(saved.ranges));

    server.setFaults(id, {});
    const before = contentRequests(server, id).length;
    const result = await download(id);
    await assertLandedClean(id, result.sha256);
    assert.equal(result.resumed, true);
    const resumed = contentRequests(server, id).slice(before).map((request) => request.range).sort();
    assert.deepEqual(resumed, saved.ranges.map((range) => `bytes=${range.start + range.done}-${range.end - 1}`).sort());
  });

  it('resumed with one connection: keeps the bytes in order from zero and goes on from there', async () => {
    const id = 'size_8m_one';
    const path = join(dir, `${id}.mp4`);
    server.setFaults(id, { throttle: 1 * MiB });
    const controller = new AbortController();
    const first = download(id, { signal: controller.signal });
    assert.ok(await waitUntil(() => contentRequests(server, id).length === 4, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 700));
    controller.abort(new Error('stop'));
    await assert.rejects(first);
    const saved = await readRangesState(rangesStatePath(sidecars(path).part));
    assert.ok(typeof saved === 'object');
    const contiguous = saved.ranges[0]?.done ?? 0;

    server.setFaults(id, {});
    const result = await download(id, { connections: 1 });
    await assertLandedClean(id, result.sha256);
    const last = contentRequests(server, id).at(-1);
    assert.deepEqual(last && [last.range, last.status], [`bytes=${contiguous}-`, 206]);
  });

  it('a file that changes between the proof and the other ranges: no range of another version is kept, back to one connection, identical', async () => {
    const id = 'size_4m_changes';
    server.setFaults(id, { etagChanges: true });
    const log = eventLog();
    const result = await download(id, { onEvent: log.sink });
    await assertLandedClean(id, result.sha256);
    const warnings = log.ofType('download-warning').map((event) => event.message);
    // The simulator honours If-Range, so a range of a file that changed comes as a 200 of the new one.
    assert.ok(warnings.some((message) => /asked for bytes \d+-\d+, the content changed on the server; going on over one connection/.test(message)), warnings.join('\n'));
  });

  it('a server that ignores ranges from the start gets one plain connection', async () => {
    const id = 'size_4m_ignored';
    server.setFaults(id, { ignoreRange: true });
    const result = await download(id);
    await assertLandedClean(id, result.sha256);
    assert.deepEqual(contentRequests(server, id).map((request) => [request.range, request.status]), [['bytes=0-', 200]]);
  });
});

/**
 * A server whose bounded range answers are wrong in one way each, while its proof (`bytes=0-`)
 * and open-ended ranges are right: a split download must take none of those answers into the
 * file, go back to one connection, and land the right file.
 */
describe('downloadVideo with several connections: range answers that are not the range asked for', () => {
  const file = Buffer.alloc(4 * MiB);
  for (let index = 0; index < file.length; index += 4) file.writeUInt32BE(index * 2_654_435_761 >>> 0, index);
  const etag = '"raw-1"';
  type Lie = 'none' | 'no ETag' | 'another ETag' | 'shifted' | 'past the end asked' | 'another total' | 'a 200';
  let lie: Lie = 'none';
  let server: Server;
  let baseUrl: string;
  let dir: string;
  before(async () => {
    dir = await tempDir();
    server = createServer((request, response) => {
      const match = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
      const from = Number(match?.[1] ?? 0);
      const bounded = match?.[2] !== undefined && match[2] !== '';
      let last = bounded ? Number(match?.[2]) : file.length - 1;
      // A type without a structure check: the bytes here are a pattern, not a video.
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', etag };
      if (match === null || !bounded) {
        response.writeHead(match === null ? 200 : 206, { ...headers, ...(match === null ? {} : { 'content-range': `bytes ${from}-${last}/${file.length}` }) });
        response.end(file.subarray(from, last + 1));
        return;
      }
      // Like a CDN that compresses what it may: a range asked without `identity` comes gzipped,
      // and its bytes are no longer the file's.
      if (request.headers['accept-encoding'] !== 'identity') {
        response.writeHead(206, { ...headers, 'content-encoding': 'gzip', 'content-range': `bytes ${from}-${last}/${file.length}` });
        response.end(gzipSync(file.subarray(from, last + 1)));
        return;
      }
      if (lie === 'a 200') {
        response.writeHead(200, headers);
        response.end(file);
        return;
      }
      let start = from;
      let total = file.length;
      if (lie === 'no ETag') delete headers['etag'];
      if (lie === 'another ETag') headers['etag'] = '"raw-2"';
      if (lie === 'shifted') start = from - 1;
      if (lie === 'past the end asked') last = Math.min(file.length - 1, last + 1);
      if (lie === 'another total') total = file.length + 1;
      response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${last}/${total}` });
      response.end(file.subarray(start, last + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('honest range answers: four connections to the end, asked without compression, no warning', async () => {
    lie = 'none';
    const path = join(dir, 'raw-honest.mp4');
    const client = new VideoApiClient({ apiKey: testKey, baseUrl });
    const log = eventLog();
    try {
      await downloadVideo('vid_raw', { client, output: { kind: 'file', path, renameByType: false }, retry: fastRetry, connections: 4, source: 'gateway', onEvent: log.sink });
    } finally {
      await client.close();
    }
    assert.ok((await readFile(path)).equals(file));
    const warnings = log.ofType('download-warning').map((event) => event.message);
    assert.ok(!warnings.some((message) => /over one connection/.test(message)), warnings.join('\n'));
    assert.equal(log.ofType('download-retry').length, 0);
  });

  for (const each of ['no ETag', 'another ETag', 'shifted', 'past the end asked', 'another total', 'a 200'] as const) {
    it(`${each}: refused, one connection from the bytes in order, the served file`, async () => {
      lie = each;
      const path = join(dir, `raw-${each.replaceAll(' ', '-')}.mp4`);
      const client = new VideoApiClient({ apiKey: testKey, baseUrl });
      const log = eventLog();
      try {
        const result = await downloadVideo('vid_raw', { client, output: { kind: 'file', path, renameByType: false }, retry: fastRetry, connections: 4, source: 'gateway', onEvent: log.sink });
        assert.equal(result.bytes, file.length);
      } finally {
        await client.close();
      }
      assert.ok((await readFile(path)).equals(file), 'the served bytes, none of a wrong answer');
      const warnings = log.ofType('download-warning').map((event) => event.message);
      // The file is split at 1, 2 and 3 MiB; whichever range is answered first is named.
      assert.ok(warnings.some((message) => /asked for bytes (1048576-2097151|2097152-3145727|3145728-4194303), .*; going on over one connection$/.test(message)), warnings.join('\n'));
    });
  }
});
