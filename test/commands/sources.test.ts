/**
 * The main job on the gateways as deployed today, against the simulator: the not-ready window
 * after completion, the switch to the direct link when the classic proxy cannot finish, signed
 * links that expire, the artifact proxy's coded answers, and a CDN that must never see the key.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { type ArtifactErrorKind, startMockServer, type MockServer, type MockServerOptions, type ProfileName, type RecordedRequest } from '../../src/mock/index.js';
import { allProfiles, contentRequests, fileSha256, rangeStart, removeTempDirs, servedSha256, tempDir, testKey } from '../helpers/download-sim.js';
import { createMemoryIO } from '../helpers/memory-io.js';

const KiB = 1024;

interface Ran {
  code: number;
  stderr: string;
  json: Record<string, unknown>[];
}

const servers: MockServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await removeTempDirs();
});

async function simulator(profile: ProfileName, options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer({ profile, key: testKey, ...options });
  servers.push(server);
  return server;
}

/** The CLI in this process, stderr not a terminal, with --json results. */
async function ezvideo(server: MockServer, args: string[], env: Record<string, string> = { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' }): Promise<Ran> {
  const memory = createMemoryIO({ env });
  const code = await run([...args, '--json', '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
  const json = memory.stdout
    .text()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stderr: memory.stderr.text(), json };
}

function lines(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}

const cdnRequests = (server: MockServer, id: string): RecordedRequest[] => server.secondOrigin.requests.filter((request) => request.taskId === id);

describe('wait --then-download through the not-ready window after completion', () => {
  it('a 10 s content lag on every profile: exit 0, the identical file, one warning and no failure', async () => {
    await Promise.all(
      allProfiles.map(async (profile) => {
        const server = await simulator(profile, { generationTimeMs: 300, faults: { contentLagMs: 10_000 } });
        const id = server.createTask({ kind: 'synthetic', size: 300 * KiB });
        const dir = await tempDir();
        const ran = await ezvideo(server, ['wait', id, '--then-download', '--dir', dir, '--interval', '200ms']);
        assert.equal(ran.code, 0, `${profile}: ${ran.stderr}`);
        const download = ran.json[0]?.['download'] as Record<string, unknown> | undefined;
        assert.equal(download?.['sha256'], await servedSha256(server, id), profile);
        assert.equal(await fileSha256(String(download?.['path'])), download?.['sha256'], profile);
        assert.equal(lines(ran.stderr, /still answers not ready/).length, 1, `${profile}: one warning\n${ran.stderr}`);
        assert.deepEqual(lines(ran.stderr, /^error:|failed/), [], `${profile}: no failure shown\n${ran.stderr}`);
        assert.ok(contentRequests(server, id).filter((request) => request.status !== 200).length >= 2, `${profile}: the window was met`);
      }),
    );
  });

  it('a lag longer than --content-wait: the direct link under auto; exit 5, saying so, under gateway', async () => {
    const server = await simulator('ezmodel', { generationTimeMs: 100, faults: { contentLagMs: 60_000 } });
    const id = server.createTask({ kind: 'synthetic', size: 100 * KiB });
    const auto = await ezvideo(server, ['wait', id, '--then-download', '--dir', await tempDir(), '--interval', '100ms', '--content-wait', '2s']);
    assert.equal(auto.code, 0, auto.stderr);
    assert.equal((auto.json[0]?.['download'] as Record<string, unknown> | undefined)?.['source'], 'direct');
    assert.match(auto.stderr, /the gateway still says not ready after the task completed: switching to the direct link/);
    const gateway = await ezvideo(server, ['wait', id, '--then-download', '--dir', await tempDir(), '--interval', '100ms', '--content-wait', '2s', '--source', 'gateway']);
    assert.equal(gateway.code, 5, gateway.stderr);
    const message = String(gateway.json[0]?.['message']);
    assert.match(message, /still says not ready 2.0s after the status said completed \(HTTP 400: Task is not completed yet/);
    assert.equal(message.split(id).length - 1, 1, `the id is named once: ${message}`);
    assert.doesNotMatch(gateway.stderr, /ezvideo wait .*--then-download/);
  });
});

describe('the classic proxy cannot finish: --source auto takes the direct link', () => {
  // 2 MiB at 300 KiB/s takes about 7 s: more than 3 times the 2 s limit of each transfer.
  const cutServer = () => simulator('ezmodel', { transferLimitMs: 2_000, faults: { throttle: 300 * KiB } });

  it('auto: one cut, Range ignored, one warning, the rest from the CDN (resumed under the same strong ETag), never with the key', async () => {
    const server = await cutServer();
    const id = 'size_2m_auto';
    const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4')]);
    assert.equal(ran.code, 0, ran.stderr);
    const result = ran.json[0] ?? {};
    assert.equal(result['source'], 'direct');
    assert.equal(result['sha256'], await servedSha256(server, id));
    assert.equal(await fileSha256(String(result['path'])), result['sha256']);
    assert.equal(lines(ran.stderr, /switching to the direct link/).length, 1, ran.stderr);
    const cdn = cdnRequests(server, id);
    assert.ok(cdn.length >= 1, 'the CDN served it');
    assert.deepEqual(cdn.map((request) => request.headers['authorization']), cdn.map(() => undefined), 'no Authorization header ever reached the CDN');
    assert.ok(rangeStart(cdn[0] ?? assert.fail()) > 0, 'the bytes from the gateway were kept: the CDN proved the same file');
    const gateway = contentRequests(server, id);
    assert.equal(gateway.length, 2, 'one cut on the gateway, then one resume that showed it ignores Range; not three cuts');
    assert.deepEqual([gateway[1]?.status, rangeStart(gateway[1] ?? assert.fail()) > 0], [200, true]);
  });

  it('gateway: exit 8 with the clear message about the limit', async () => {
    const server = await cutServer();
    const ran = await ezvideo(server, ['download', 'size_2m_gw', '-o', join(await tempDir(), 'out.mp4'), '--source', 'gateway']);
    assert.equal(ran.code, 8, ran.stderr);
    assert.match(ran.stderr, /the transfer was cut after about 2.0s on each of the last 3 attempts.*limits each transfer to about 2.0s/);
    assert.equal(cdnRequests(server, 'size_2m_gw').length, 0);
  });

  it('a 307 to the CDN (forks that redirect): followed without the key', async () => {
    const server = await simulator('ezmodel', { faults: { redirectCdn: true } });
    const id = 'size_300k_redirected';
    const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4')]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.json[0]?.['sha256'], await servedSha256(server, id));
    const cdn = cdnRequests(server, id);
    assert.ok(cdn.length >= 1);
    assert.ok(cdn.every((request) => request.headers['authorization'] === undefined));
  });
});

describe('the newapi profile as the client sees it', () => {
  it('wait --json carries the direct link; head is answered by a routed HEAD', async () => {
    const server = await simulator('newapi', { generationTimeMs: 300 });
    const id = server.createTask({ kind: 'synthetic', size: 100 * KiB });
    const waited = await ezvideo(server, ['wait', id, '--interval', '100ms']);
    assert.equal(waited.code, 0, waited.stderr);
    const link = String(waited.json[0]?.['directUrl']);
    assert.ok(link.startsWith(`${server.baseUrl}/v1/tasks/${id}/artifacts/video/content?access=`), link);
    const head = await ezvideo(server, ['head', id]);
    assert.equal(head.code, 0, head.stderr);
    assert.deepEqual([head.json[0]?.['method'], head.json[0]?.['size']], ['HEAD', 100 * KiB]);
  });
});

describe('--source direct', () => {
  it('an expired signed link is not used: a fresh one comes from a new status call', async () => {
    const server = await simulator('ezmodel', { faults: { linkExpiryMs: 2_500 } });
    const id = 'size_1m_expiring';
    // Cut once mid-body after the link has expired: the retry must renew it.
    server.setFaults(id, { throttle: 256 * KiB, reset: { afterBytes: 700 * KiB, times: 1 } });
    const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4'), '--source', 'direct']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.json[0]?.['sha256'], await servedSha256(server, id));
    const cdn = cdnRequests(server, id);
    const expiries = new Set(cdn.map((request) => request.query['expires']));
    assert.ok(expiries.size >= 2, `a renewed link was used: ${[...expiries].join(', ')}`);
    assert.match(ran.stderr, /the direct link has expired; using a fresh one/);
    assert.ok(rangeStart(cdn.at(-1) ?? assert.fail()) > 0, 'the renewed link resumed');
    assert.equal(contentRequests(server, id).length, 0, 'the gateway was never asked');
  });

  it('four connections whose link expires together: one renewal serves them all', async () => {
    const server = await simulator('ezmodel', { faults: { linkExpiryMs: 2_000 } });
    const id = 'size_8m_renewtogether';
    server.setFaults(id, { throttle: 512 * KiB, reset: { afterBytes: 1536 * KiB, times: 1 } });
    const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4'), '--source', 'direct', '--connections', '4']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.json[0]?.['sha256'], await servedSha256(server, id));
  });

  it('the link is the video\'s: --variant thumbnail --source direct is a usage error, and auto never switches for it', async () => {
    const server = await simulator('ezmodel');
    const refused = await ezvideo(server, ['download', 'vid_thumbdirect', '--variant', 'thumbnail', '--dir', await tempDir(), '--source', 'direct']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--source direct fetches the video/);
    const id = 'vid_thumbauto';
    server.setFaults(id, { failFirst: { count: 1, status: 502 } });
    const auto = await ezvideo(server, ['download', id, '--variant', 'thumbnail', '--dir', await tempDir()]);
    assert.equal(auto.code, 0, auto.stderr);
    assert.equal(auto.json[0]?.['source'], 'gateway');
    assert.equal(cdnRequests(server, id).length, 0, 'the video behind the link was never fetched for a thumbnail');
  });

  it('a status without a link: exit 4, saying so', async () => {
    const server = await simulator('ideal');
    const ran = await ezvideo(server, ['download', 'vid_nolink', '-o', join(await tempDir(), 'out.mp4'), '--source', 'direct']);
    assert.equal(ran.code, 4, ran.stderr);
    assert.match(ran.stderr, /carries no direct link/);
  });

  it('the newapi capability URL on the gateway itself: fetched without the key', async () => {
    const server = await simulator('newapi');
    const id = 'size_500k_capability';
    const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4'), '--source', 'direct']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.json[0]?.['sha256'], await servedSha256(server, id));
    const artifact = server.requests.filter((request) => request.path.includes('/artifacts/'));
    assert.ok(artifact.length >= 1);
    assert.ok(artifact.every((request) => request.headers['authorization'] === undefined));
  });
});

describe('the default source: --source > EZVIDEO_SOURCE > config set source > auto', () => {
  it('each one decides, in that order; a bad value is a usage error', async () => {
    const server = await simulator('ideal');
    const config = { EZVIDEO_CONFIG_DIR: await tempDir() };
    const stored = await ezvideo(server, ['config', 'set', 'source', 'direct'], config);
    assert.equal(stored.code, 0, stored.stderr);
    const output = async () => ['-o', join(await tempDir(), 'out.mp4')];
    // The ideal profile's status carries no link: `direct` shows itself as exit 4.
    const fromConfig = await ezvideo(server, ['download', 'vid_src1', ...(await output())], config);
    assert.equal(fromConfig.code, 4, fromConfig.stderr);
    assert.match(fromConfig.stderr, /carries no direct link/);
    const fromEnv = await ezvideo(server, ['download', 'vid_src2', ...(await output())], { ...config, EZVIDEO_SOURCE: 'gateway' });
    assert.deepEqual([fromEnv.code, fromEnv.json[0]?.['source']], [0, 'gateway'], fromEnv.stderr);
    const fromFlag = await ezvideo(server, ['download', 'vid_src3', ...(await output()), '--source', 'auto'], { ...config, EZVIDEO_SOURCE: 'direct' });
    assert.deepEqual([fromFlag.code, fromFlag.json[0]?.['source']], [0, 'gateway'], fromFlag.stderr);
    const bogus = await ezvideo(server, ['download', 'vid_src4', ...(await output())], { ...config, EZVIDEO_SOURCE: 'cdn' });
    assert.equal(bogus.code, 2, bogus.stderr);
    assert.match(bogus.stderr, /EZVIDEO_SOURCE is "cdn", not one of auto, gateway, direct/);
    const badStored = await ezvideo(server, ['config', 'set', 'source', 'cdn'], config);
    assert.equal(badStored.code, 2, badStored.stderr);
  });
});

describe("the artifact proxy's coded answers (newapi, --source gateway)", () => {
  const cases: Array<[kind: ArtifactErrorKind, code: number, requests: number, message: RegExp]> = [
    ['upstream_auth_failed', 8, 1, /credentials with its upstream provider were refused \(not your API key\)/],
    ['request_rejected', 8, 1, /refused to fetch the file from its upstream/],
    ['gone', 7, 1, /expired/],
    ['result_expired', 7, 1, /expired/],
  ];
  for (const [kind, code, requests, message] of cases) {
    it(`${kind}: exit ${code} after ${requests} request`, async () => {
      const server = await simulator('newapi', { faults: { artifactError: { kind } } });
      const id = `size_200k_${kind.replace(/_/g, '')}`;
      const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4'), '--source', 'gateway']);
      assert.equal(ran.code, code, ran.stderr);
      assert.match(ran.stderr, message);
      assert.equal(contentRequests(server, id).length, requests);
      assert.doesNotMatch(ran.stderr, /API key was refused/);
    });
  }
  for (const kind of ['upstream_busy', 'upstream_timeout'] as const) {
    it(`${kind} once: retried, and the file lands`, async () => {
      const server = await simulator('newapi', { faults: { artifactError: { kind, times: 1 } } });
      const id = `size_200k_${kind.replace(/_/g, '')}`;
      const ran = await ezvideo(server, ['download', id, '-o', join(await tempDir(), 'out.mp4'), '--source', 'gateway']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.json[0]?.['sha256'], await servedSha256(server, id));
      assert.equal(contentRequests(server, id).length, 2);
    });
  }
});
