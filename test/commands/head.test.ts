import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { createMemoryIO } from '../helpers/memory-io.js';

const key = 'sk-head-test-0123456789';

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function head(server: MockServer, args: string[], apiKey = key) {
  const memory = createMemoryIO({ env: { EZVIDEO_CONFIG_DIR: '/nonexistent-ezvideo-test' } });
  const code = await run(['head', ...args, '--api-key', apiKey, '--base-url', server.baseUrl, '--retries', '1'], memory.io);
  return { code, stdout: memory.stdout.text(), stderr: memory.stderr.text() };
}

describe('ezvideo head against the simulator', () => {
  const servers: Record<string, MockServer> = {};
  before(async () => {
    servers['ideal'] = await startMockServer({ profile: 'ideal', key });
    servers['ezmodel'] = await startMockServer({ profile: 'ezmodel', key, generationTimeMs: 60_000 });
    servers['openai'] = await startMockServer({ profile: 'openai', key });
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((server) => server.close()));
  });
  const server = (name: string): MockServer => {
    const found = servers[name];
    assert.ok(found);
    return found;
  };

  it('uses HEAD where the server answers it', async () => {
    const ideal = server('ideal');
    const result = await head(ideal, ['size_2m_h', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(info['method'], 'HEAD');
    assert.equal(info['size'], 2 * 1024 * 1024);
    assert.equal(info['contentType'], 'video/mp4');
    assert.equal(info['ranges'], 'advertised');
    assert.equal(typeof info['etag'], 'string');
    assert.deepEqual(Object.keys(info), ['id', 'httpStatus', 'method', 'contentType', 'size', 'ranges', 'etag', 'lastModified', 'fileName'], 'every documented field, null where empty');
    assert.equal(result.stdout.trim().split('\n').length, 1, 'one JSON object and nothing else on stdout');
    const requests = ideal.requests.filter((request) => request.path.includes('size_2m_h'));
    assert.deepEqual(requests.map((request) => request.method), ['HEAD']);
    const plain = await head(ideal, ['size_2m_h']);
    assert.match(plain.stdout, /^ranges: {8}advertised \(Accept-Ranges: bytes; not verified\)$/m, 'the documented word, then what it rests on');
  });

  it('falls back to a one-byte GET when HEAD is not routed, with the same answer', async () => {
    const ezmodel = server('ezmodel');
    const ideal = server('ideal');
    const fromHead = JSON.parse((await head(ideal, ['size_64m_same', '--json'])).stdout) as Record<string, unknown>;
    // The ezmodel task must be complete for content: give it a completed-at-once server.
    const quick = await startMockServer({ profile: 'ezmodel', key });
    try {
      const result = await head(quick, ['size_64m_same', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const info = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(info['method'], 'GET');
      assert.equal(info['size'], fromHead['size']);
      assert.equal(info['contentType'], fromHead['contentType']);
      assert.equal(info['ranges'], 'ignored', 'Accept-Ranges is sent but the range is not honoured');
      // The simulator finishes its log entry when the connection closes, just after we hung up.
      await waitFor(() => quick.requests.every((request) => request.status !== 0));
      const methods = quick.requests.map((request) => `${request.method} ${request.status}`);
      assert.deepEqual(methods, ['HEAD 404', 'GET 200']);
      assert.ok((quick.requests[1]?.bodyBytes ?? Infinity) < 32 * 1024 * 1024, 'the body was not downloaded');
    } finally {
      await quick.close();
    }
    assert.ok(ezmodel.baseUrl);
  });

  it('reports the range support it proved (ideal: a 206 to the probe)', async () => {
    const ideal = server('ideal');
    const result = await head(ideal, ['vid_readable']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^id: +vid_readable$/m);
    assert.match(result.stdout, /^content-type: +video\/mp4$/m);
    assert.match(result.stdout, /^file name: +video\.mp4$/m);
  });

  it('not found: exit 4, one error line and a hint', async () => {
    const result = await head(server('ideal'), ['nosuch_task']);
    assert.equal(result.code, 4);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^error: nosuch_task: .*video not found.*\nhint: /);
  });

  it('gateway 400 "not completed yet": exit 5 with the --wait hint', async () => {
    const result = await head(server('ezmodel'), ['vid_still_running']);
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /not ready.*Task is not completed yet, current status: [A-Z_]+/);
    assert.match(result.stderr, /hint: .*wait/);
  });

  it('a refused key: exit 3, and the key never printed', async () => {
    for (const name of ['ideal', 'ezmodel', 'openai']) {
      const result = await head(server(name), ['vid_a'], 'sk-wrong-key-abcdef');
      assert.equal(result.code, 3, `${name}: ${result.stderr}`);
      assert.ok(!result.stderr.includes('sk-wrong-key-abcdef'));
    }
  });

  it('gateway 502 because the file expired upstream: exit 7, not retried', async () => {
    const quick = await startMockServer({ profile: 'ezmodel', key });
    try {
      const result = await head(quick, ['expired_x']);
      assert.equal(result.code, 7, result.stderr);
      assert.equal(quick.requests.filter((request) => request.method === 'GET').length, 1);
    } finally {
      await quick.close();
    }
  });

  it('a 502 that persists: exit 8 after the retries', async () => {
    const ideal = server('ideal');
    ideal.setFaults('vid_bad_gateway', { failFirst: { count: Infinity, status: 502 } });
    const result = await head(ideal, ['vid_bad_gateway']);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /server error \(HTTP 502/);
    const gets = ideal.requests.filter((request) => request.method === 'GET' && request.path.includes('vid_bad_gateway'));
    assert.equal(gets.length, 2, 'the first attempt and one retry (--retries 1)');
  });

  it('a cross-origin redirect: the target never receives the Authorization header', async () => {
    const ideal = server('ideal');
    ideal.setFaults('vid_moved', { redirect: 'second-origin' });
    const result = await head(ideal, ['vid_moved', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const received = ideal.secondOrigin.requests.filter((request) => request.path.includes('vid_moved'));
    assert.ok(received.length > 0, 'the redirect was followed');
    for (const request of received) assert.equal(request.headers['authorization'], undefined);
    const first = ideal.requests.find((request) => request.path.includes('vid_moved'));
    assert.equal(first?.headers['authorization'], `Bearer ${key}`, 'the API origin itself did get the key');
  });
});
