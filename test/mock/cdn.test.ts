import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { PROFILE_NAMES, startMockServer } from '../../src/mock/index.js';
import type { MockServer } from '../../src/mock/index.js';
import { json, request, sha256 } from './http-helpers.js';

const MiB = 1024 * 1024;
let server: MockServer;
before(async () => {
  server = await startMockServer({ profile: 'ezmodel' });
});
after(() => server.close());

const statusUrl = (target: MockServer, id: string) => `${target.baseUrl}/v1/videos/${id}`;
const cdnRecordsOf = (id: string) => server.secondOrigin.requests.filter((r) => r.taskId === id);

async function metadataUrl(target: MockServer, id: string): Promise<string | undefined> {
  const object = json(await request(statusUrl(target, id)));
  const metadata = object['metadata'] as Record<string, unknown> | undefined;
  return metadata === undefined ? undefined : String(metadata['url']);
}

function xmlCode(body: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8'))?.[1];
}

test('ezmodel: a completed status carries metadata.url, a pre-signed URL on the second origin; none before', async () => {
  const running = json(await request(statusUrl(server, 'never_cdn')));
  assert.equal('metadata' in running, false);
  const before = Math.floor(Date.now() / 1000);
  const url = await metadataUrl(server, 'size_4k_cdn');
  const match = /^(http:\/\/[^/]+)\/files\/size_4k_cdn\?expires=(\d+)&sig=([0-9a-f]{64})$/.exec(url ?? '');
  assert.ok(match, url);
  assert.equal(match[1], server.secondOrigin.baseUrl);
  const expiry = Number(match[2]);
  assert.ok(expiry >= before + 3600 && expiry <= Math.ceil(Date.now() / 1000) + 3601, `${expiry - before} s ahead`);
  assert.match(server.linkOf('size_4k_cdn') ?? '', /^http:\/\/[^/]+\/files\/size_4k_cdn\?expires=\d+&sig=[0-9a-f]{64}$/);
});

test('ideal and openai hand out no link', async () => {
  for (const profile of ['ideal', 'openai'] as const) {
    const other = await startMockServer({ profile });
    try {
      const object = json(await request(statusUrl(other, 'vid_nolink')));
      assert.equal(object['status'], 'completed');
      assert.equal('metadata' in object, false, profile);
      assert.equal(other.linkOf('vid_nolink'), undefined);
    } finally {
      await other.close();
    }
  }
});

test('the CDN refuses a request that brings an Authorization header (403 AccessDenied, XML) and records it', async () => {
  const id = 'size_8k_leak';
  const url = (await metadataUrl(server, id)) ?? '';
  const leaked = await request(url, { headers: { authorization: 'Bearer sk-leaked' } });
  assert.equal(leaked.status, 403);
  assert.equal(leaked.headers['content-type'], 'application/xml');
  assert.equal(xmlCode(leaked.body), 'AccessDenied');
  assert.match(leaked.body.toString(), /<Message>Authorization header is not allowed with a signed URL<\/Message>/);
  const seen = cdnRecordsOf(id);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.headers['authorization'], 'Bearer sk-leaked');
  assert.equal(seen[0]?.status, 403);
});

test('the CDN serves the bytes, ETag and Last-Modified of /content, and honours Range where the gateway does not', async () => {
  const id = 'size_200k_same';
  const url = (await metadataUrl(server, id)) ?? '';
  const viaGateway = await request(`${server.baseUrl}/v1/videos/${id}/content`);
  const viaCdn = await request(url, { withoutAuth: true });
  assert.equal(viaCdn.status, 200);
  assert.equal(sha256(viaCdn.body), await server.payloadOf(id).sha256());
  assert.equal(viaCdn.headers['etag'], viaGateway.headers['etag']);
  assert.equal(viaCdn.headers['last-modified'], viaGateway.headers['last-modified']);

  const ranged = await request(url, { withoutAuth: true, headers: { range: 'bytes=5000-5999', 'if-range': String(viaGateway.headers['etag']) } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers['content-range'], `bytes 5000-5999/${200 * 1024}`);
  assert.deepEqual(ranged.body, viaCdn.body.subarray(5000, 6000));
  const head = await request(url, { withoutAuth: true, method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(200 * 1024));
});

test('the CDN refuses an expired link and a signature that does not match', async () => {
  const url = new URL((await metadataUrl(server, 'size_1k_sig')) ?? '');
  const sig = url.searchParams.get('sig') ?? '';
  const forged = new URL(url);
  forged.searchParams.set('sig', sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0'));
  const wrongSig = await request(forged.href, { withoutAuth: true });
  assert.equal(wrongSig.status, 403);
  assert.equal(xmlCode(wrongSig.body), 'SignatureDoesNotMatch');
  const extended = new URL(url);
  extended.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86_400));
  assert.equal(xmlCode((await request(extended.href, { withoutAuth: true })).body), 'SignatureDoesNotMatch', 'the expiry is signed');

  // A lifetime of 0 makes the link die at the next whole second.
  server.setFaults('size_1k_dying', { linkExpiryMs: 0 });
  const dying = (await metadataUrl(server, 'size_1k_dying')) ?? '';
  await sleep(1100);
  const expired = await request(dying, { withoutAuth: true });
  assert.equal(expired.status, 403);
  assert.equal(xmlCode(expired.body), 'AccessDenied');
  assert.match(expired.body.toString(), /<Message>Request has expired<\/Message>/);
});

test('linkExpiryMs sets the lifetime of the links', async () => {
  server.setFaults('size_1k_two_seconds', { linkExpiryMs: 2000 });
  const now = Date.now() / 1000;
  const expiry = Number(new URL((await metadataUrl(server, 'size_1k_two_seconds')) ?? '').searchParams.get('expires'));
  assert.ok(expiry >= now + 2 && expiry <= now + 4, `${expiry - now} s ahead`);
});

test('the CDN has none of the gateway\'s faults (or its transfer limit), but the body faults apply', async () => {
  const limited = await startMockServer({ profile: 'ezmodel', transferLimitMs: 300 });
  try {
    const id = 'size_1m_cdn_faults';
    limited.setFaults(id, {
      failFirst: { count: 100, status: 503 },
      ignoreRange: true,
      contentLagMs: 60_000,
      artifactError: { kind: 'gone' },
      throttle: MiB,
    });
    const url = (await metadataUrl(limited, id)) ?? '';
    const ranged = await request(url, { withoutAuth: true, headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    // About a second at 1 MiB/s: more than three times the gateway's limit.
    const whole = await request(url, { withoutAuth: true });
    assert.equal(whole.status, 200);
    assert.equal(whole.complete, true);
    assert.equal(whole.body.length, MiB);

    limited.setFaults(id, { chunkedCut: { atByte: 500, times: 1 } });
    assert.equal((await request(url, { withoutAuth: true })).body.length, 500);
    assert.equal((await request(url, { withoutAuth: true })).body.length, MiB);
  } finally {
    await limited.close();
  }
});

test('redirectCdn: /content answers 307 to the signed CDN URL with Referrer-Policy, in every profile; ?download=1 proxies', async () => {
  for (const profile of PROFILE_NAMES) {
    const target = await startMockServer({ profile, faults: { redirectCdn: true } });
    try {
      const id = 'size_30k_moved';
      const content = `${target.baseUrl}/v1/videos/${id}/content`;
      const moved = await request(content);
      assert.equal(moved.status, 307, profile);
      assert.equal(moved.headers['referrer-policy'], 'no-referrer');
      assert.equal(moved.headers['content-length'], '0');
      const location = String(moved.headers['location']);
      assert.match(location, /^http:\/\/[^/]+\/files\/size_30k_moved\?expires=\d+&sig=[0-9a-f]{64}$/);
      assert.ok(location.startsWith(target.secondOrigin.baseUrl), location);
      const followed = await request(location, { withoutAuth: true });
      assert.equal(followed.status, 200);
      assert.equal(sha256(followed.body), await target.payloadOf(id).sha256());

      const proxied = await request(`${content}?download=1`);
      assert.equal(proxied.status, 200, profile);
      assert.equal(sha256(proxied.body), await target.payloadOf(id).sha256());
      assert.equal(target.secondOrigin.requests.length, 1, 'the proxied download did not go to the CDN');
    } finally {
      await target.close();
    }
  }
});

test('redirectCdn keeps the variant where the profile serves variants, and unfinished tasks are not redirected', async () => {
  const ideal = await startMockServer({ profile: 'ideal', faults: { redirectCdn: true } });
  try {
    const moved = await request(`${ideal.baseUrl}/v1/videos/vid_thumb/content?variant=thumbnail`);
    const location = String(moved.headers['location']);
    assert.match(location, /&variant=thumbnail$/);
    const thumbnail = await request(location, { withoutAuth: true });
    assert.equal(thumbnail.headers['content-type'], 'image/webp');
    assert.equal(thumbnail.headers['etag'], ideal.payloadOf('vid_thumb', 'thumbnail').etag);
    assert.equal((await request(`${ideal.baseUrl}/v1/videos/never_moved/content`)).status, 404);
  } finally {
    await ideal.close();
  }
});
