/**
 * The part file across sources, against real local HTTP servers that differ in just the way
 * that matters: bytes from one source are never spliced with another's, and a partial file from
 * the direct link goes on from the link.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VideoApiClient } from '../../src/api/client.js';
import type { VideoTask } from '../../src/api/video.js';
import { downloadVideo } from '../../src/core/download.js';
import { removeTempDirs, tempDir } from '../helpers/download-sim.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const servers: Server[] = [];
after(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await removeTempDirs();
});

interface Seen {
  path: string;
  range: string | undefined;
}

/** A server that answers every path with `bytes` (ranges where `ranges(path)`), recording requests. */
async function serve(bytes: Buffer, headers: Record<string, string>, ranges: (path: string) => boolean): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').replace(/\?.*/, '');
    seen.push({ path, range: req.headers.range });
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (match !== null && ranges(path)) {
      const start = Number(match[1]);
      const end = match[2] === '' ? bytes.length - 1 : Number(match[2]);
      res.writeHead(206, { ...headers, 'content-type': 'video/mp4', 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': String(end - start + 1) });
      res.end(bytes.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
    res.end(bytes);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const completed = (id: string, directUrl?: string): VideoTask => ({
  id,
  status: 'completed',
  rawStatus: 'completed',
  progress: 100,
  model: undefined,
  size: undefined,
  seconds: undefined,
  createdAt: undefined,
  completedAt: undefined,
  expiresAt: undefined,
  error: undefined,
  directUrl,
});

describe('the part file across sources', () => {
  it('ranges split under the direct link, resumed over a gateway whose 206s carry no ETag: restarted, never spliced', async () => {
    const size = 4 * MiB;
    const gatewayFile = Buffer.alloc(size, 0x42);
    const { base } = await serve(gatewayFile, {}, () => true);
    const out = join(await tempDir(), 'v.mp4');
    // What a killed run with --connections 4 left: each quarter half done, from the CDN's file.
    const quarter = size / 4;
    const ranges = [0, 1, 2, 3].map((i) => ({ start: i * quarter, end: (i + 1) * quarter, done: quarter / 2 }));
    const part = Buffer.alloc(3 * quarter + quarter / 2, 0);
    for (const range of ranges) part.fill(0x41, range.start, range.start + range.done);
    await writeFile(`${out}.part`, part);
    await writeFile(`${out}.part.json`, JSON.stringify({ version: 1, id: 'vid_1', url: 'https://cdn.invalid/files/vid_1', source: 'direct', etag: '"cdn-etag"', totalBytes: size, contentType: 'video/mp4' }));
    await writeFile(`${out}.part.ranges.json`, JSON.stringify({ version: 1, etag: '"cdn-etag"', totalBytes: size, ranges }));
    const client = new VideoApiClient({ baseUrl: base, apiKey: 'k-splice-test' });
    try {
      const result = await downloadVideo('vid_1', { client, output: { kind: 'file', path: out, renameByType: false }, source: 'gateway', connections: 4, verify: false, task: completed('vid_1') });
      assert.equal(result.source, 'gateway');
      assert.ok((await readFile(out)).equals(gatewayFile), 'the file is the gateway\'s alone');
    } finally {
      await client.close();
    }
  });

  it('a partial file from the direct link, validated by a date only: under auto the link goes on from it', async () => {
    const size = 1 * MiB;
    const file = Buffer.alloc(size, 0x41);
    const lastModified = new Date(0).toUTCString();
    const { base, seen } = await serve(file, { 'last-modified': lastModified }, (path) => path.startsWith('/cdn'));
    const out = join(await tempDir(), 'v.mp4');
    await writeFile(`${out}.part`, file.subarray(0, size / 2));
    await writeFile(`${out}.part.json`, JSON.stringify({ version: 1, id: 'vid_1', url: `${base}/cdn/vid_1`, source: 'direct', lastModified, totalBytes: size, contentType: 'video/mp4' }));
    const client = new VideoApiClient({ baseUrl: base, apiKey: 'k-weak-test' });
    try {
      const result = await downloadVideo('vid_1', { client, output: { kind: 'file', path: out, renameByType: false }, verify: false, task: completed('vid_1', `${base}/cdn/vid_1?sig=abc`) });
      assert.deepEqual([result.source, result.resumed], ['direct', true]);
      assert.deepEqual(seen, [{ path: '/cdn/vid_1', range: `bytes=${size / 2}-` }], 'one request, to the link, for the rest');
      assert.ok((await readFile(out)).equals(file));
    } finally {
      await client.close();
    }
  });
});
