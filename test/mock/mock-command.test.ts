import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { runMock } from '../../src/commands/mock.js';
import { MOCK_FLAGS } from '../../src/commands/mock-flags.js';
import type { MockCommandOptions } from '../../src/commands/mock.js';
import { startMockServer } from '../../src/mock/index.js';
import { EzvideoError } from '../../src/errors.js';
import { json, request } from './http-helpers.js';

function start(options: MockCommandOptions) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const controller = new AbortController();
  const io = { stdout, stderr, stdin: Readable.from([]), env: {}, stderrIsTTY: false, signal: controller.signal };
  const exit = runMock({ port: '0', ...options }, io);
  const firstLine = new Promise<string>((resolve, reject) => {
    exit.catch(reject);
    const check = () => {
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
      else stdout.once('data', check);
    };
    check();
  });
  return { exit, firstLine, stop: () => controller.abort('SIGINT'), output: () => ({ out, err }) };
}

test('--json prints one line with baseUrl, port and profile; abort closes the server and exits 0', async () => {
  const run = start({ json: true, profile: 'openai', generationTime: '0' });
  const info = JSON.parse(await run.firstLine) as { baseUrl: string; port: number; profile: string };
  assert.deepEqual(Object.keys(info), ['baseUrl', 'port', 'profile']);
  assert.equal(info.profile, 'openai');
  assert.equal(info.baseUrl, `http://127.0.0.1:${info.port}`);
  assert.equal((await request(`${info.baseUrl}/v1/videos/video_size_1k/content`)).status, 200);
  run.stop();
  assert.equal(await run.exit, 0);
  await assert.rejects(request(`${info.baseUrl}/v1/videos/vid_a`), { code: 'ECONNREFUSED' });
  assert.equal(run.output().err, '', 'nothing for humans in --json mode');
});

test('a readable line by default; --verbose logs requests to stderr; fault flags apply', async () => {
  const run = start({ profile: 'ezmodel', verbose: true, generationTime: '0', failFirst: '1:503:2', chunkedCut: '100', key: 'sk-secret' });
  const line = await run.firstLine;
  const match = /^ezvideo mock: ezmodel profile listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(match, line);
  const base = match[1] ?? '';
  const headers = { authorization: 'Bearer sk-secret' };
  const refused = await request(`${base}/v1/videos/size_1k/content`, { headers });
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '2');
  const cut = await request(`${base}/v1/videos/size_1k/content`, { headers });
  assert.equal(cut.body.length, 100);
  assert.equal((await request(`${base}/v1/videos/size_1k`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  run.stop();
  assert.equal(await run.exit, 0);
  const { err } = run.output();
  assert.match(err, /mock: GET \/v1\/videos\/size_1k\/content -> 503 /);
  assert.match(err, /mock: GET \/v1\/videos\/size_1k\/content -> 200 100 B/);
  assert.ok(!err.includes('sk-secret'), 'the key is never logged');
});

test('--profile newapi --content-lag 1s --redirect-cdn --link-expiry 5s --artifact-error upstream_busy:1', async () => {
  const run = start({
    json: true,
    profile: 'newapi',
    generationTime: '0',
    contentLag: '1s',
    redirectCdn: true,
    linkExpiry: '5s',
    artifactError: 'upstream_busy:1',
  });
  const { baseUrl, profile } = JSON.parse(await run.firstLine) as { baseUrl: string; profile: string };
  assert.equal(profile, 'newapi');
  const issuedAt = Date.now() / 1000;
  const status = json(await request(`${baseUrl}/v1/videos/size_1k_cli`));
  assert.equal(status['status'], 'completed');
  const link = new URL(String((status['metadata'] as Record<string, unknown>)['url']));
  const expiry = Number(link.searchParams.get('access')?.split('.')[0]);
  assert.ok(expiry >= issuedAt + 5 && expiry <= issuedAt + 7, `the link lives ${expiry - issuedAt} s`);
  const lagging = await request(`${baseUrl}/v1/videos/size_1k_cli/content`);
  assert.equal(lagging.status, 400, 'within the lag');
  assert.match(String((json(lagging)['error'] as Record<string, unknown>)['message']), /NOT_START$/);

  // A task whose first content request comes after its lag meets the busy answer once.
  await request(`${baseUrl}/v1/videos/size_1k_later`);
  await sleep(1200);
  const busy = await request(`${baseUrl}/v1/videos/size_1k_later/content`);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers['retry-after'], '1');
  const moved = await request(`${baseUrl}/v1/videos/size_1k_later/content`);
  assert.equal(moved.status, 307);
  assert.match(String(moved.headers['location']), /\/files\/size_1k_later\?expires=\d+&sig=/);
  run.stop();
  assert.equal(await run.exit, 0);
});

test('durations take ms as well as seconds', async () => {
  const run = start({ json: true, profile: 'ezmodel', generationTime: '300ms', linkExpiry: '1500ms' });
  const { baseUrl } = JSON.parse(await run.firstLine) as { baseUrl: string };
  assert.equal(json(await request(`${baseUrl}/v1/videos/size_1k_ms`))['status'], 'QUEUED');
  await sleep(800);
  const issuedAt = Date.now() / 1000;
  const status = json(await request(`${baseUrl}/v1/videos/size_1k_ms`));
  assert.equal(status['status'], 'SUCCESS');
  const link = new URL(String((status['metadata'] as Record<string, unknown>)['url']));
  const lifetime = Number(link.searchParams.get('expires')) - issuedAt;
  assert.ok(lifetime >= 1.5 && lifetime <= 3, `the link lives ${lifetime} s`);
  run.stop();
  assert.equal(await run.exit, 0);
});

test('bad flag values are usage errors', async () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, stderrIsTTY: false, signal: new AbortController().signal };
  const bad: MockCommandOptions[] = [
    { profile: 'azure' },
    { port: '70000' },
    { failFirst: '2' },
    { failFirst: 'x:503' },
    { throttle: 'fast' },
    { throttle: '0' },
    { resetAfter: '1k:0' },
    { redirect: 'elsewhere' },
    { generationTime: '-1' },
    { retryAfterFormat: 'minutes', failFirst: '1:503:1' },
    { contentLag: 'soon' },
    { linkExpiry: '-5s' },
    { generationTime: '10 s' },
    { artifactError: 'teapot' },
    { artifactError: 'gone:0' },
  ];
  for (const options of bad) {
    await assert.rejects(runMock({ port: '0', ...options }, io), (error) => error instanceof EzvideoError && error.code === 'usage', JSON.stringify(options));
  }
});

test('a port in use is a usage error with a hint', async () => {
  const busy = await startMockServer();
  try {
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, stderrIsTTY: false, signal: new AbortController().signal };
    await assert.rejects(runMock({ port: String(busy.port) }, io), (error) => error instanceof EzvideoError && error.code === 'usage' && error.hint !== undefined);
  } finally {
    await busy.close();
  }
});

test('an interruption before the server is up still exits 0', async () => {
  const controller = new AbortController();
  controller.abort('SIGTERM');
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, stderrIsTTY: false, signal: controller.signal };
  assert.equal(await runMock({ port: '0', json: true }, io), 0);
});

test('every flag is described, in kebab-case', () => {
  assert.ok(MOCK_FLAGS.length >= 20);
  for (const flag of MOCK_FLAGS) {
    assert.match(flag.flags, /^--[a-z]+(-[a-z]+)*( [<[].*)?$/, flag.flags);
    assert.ok(flag.description.length > 10);
  }
});

test('the create flags: --fail-on create, --create-reset k, --fail-generation k, --honour-idempotency-key', async () => {
  // Each k counts the creates received, the refused and reset ones included.
  const run = start({ json: true, generationTime: '0', failFirst: '1:429', failOn: 'create', createReset: '2', failGeneration: '3', honourIdempotencyKey: true });
  try {
    const { baseUrl } = JSON.parse(await run.firstLine) as { baseUrl: string };
    const create = (key: string) =>
      request(`${baseUrl}/v1/videos`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: '{"prompt":"x"}' });
    assert.equal((await create('a')).status, 429, '--fail-first on create');
    await assert.rejects(create('b'), { code: 'ECONNRESET' });
    assert.equal(json(await create('c'))['status'], 'failed');
    const fine = json(await create('d'));
    assert.equal(fine['status'], 'completed');
    assert.equal(json(await create('d'))['id'], fine['id'], 'a repeated key gets its first task');
  } finally {
    run.stop();
  }
  assert.equal(await run.exit, 0);
});
