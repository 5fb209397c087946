import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { VideoApiClient } from '../../src/api/client.js';
import { createMayBeRetried, createTask } from '../../src/core/create-task.js';
import { EzvideoError, HttpError } from '../../src/errors.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { clientFor, fastRetry } from '../helpers/download-sim.js';

const network = (causeCode: string) => new EzvideoError('network', 'x', { causeCode });
const http = (status: number, retryAfterMs?: number) => new HttpError('server', 'x', { status, retryAfterMs });

describe('createMayBeRetried: only where the create provably made nothing', () => {
  it('no connection, no name, a failed handshake, 429, 503 with Retry-After: yes', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      assert.equal(createMayBeRetried(network(code)), true, code);
    }
    assert.equal(createMayBeRetried(http(429)), true);
    assert.equal(createMayBeRetried(http(503, 1000)), true);
  });

  it('a reset, a closed socket, no headers in time, 503 without Retry-After, 500, 502, 504: no', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      assert.equal(createMayBeRetried(network(code)), false, code);
    }
    for (const status of [500, 502, 503, 504, 408]) assert.equal(createMayBeRetried(http(status)), false, String(status));
  });
});

describe('createTask against the simulator', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'openai' });
  });
  after(() => server.close());
  const request = { prompt: 'a cat' };

  it('a 429 is sent again and makes one task; the Idempotency-Key goes with every attempt', async () => {
    server.setFaults('*', { failFirst: { count: 2, status: 429, retryAfterMs: 5, on: 'create' } });
    const retries: number[] = [];
    const attempt = await createTask(clientFor(server), request, { idempotencyKey: 'k-429', retry: fastRetry, onRetry: ({ delayMs }) => retries.push(delayMs) });
    assert.equal(attempt.kind, 'created');
    assert.equal(retries.length, 2);
    assert.equal(server.creationCount('k-429'), 1);
    const posts = server.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === 'k-429');
    assert.equal(posts.length, 3);
  });

  it('a 429 that asks for longer than ezvideo waits is refused at once: the server said it made nothing', async () => {
    server.setFaults('*', { failFirst: { count: 1, status: 429, retryAfterSeconds: 3600, on: 'create' } });
    const attempt = await createTask(clientFor(server), request, { idempotencyKey: 'k-later', retry: fastRetry });
    assert.equal(attempt.kind, 'refused');
    assert.match(attempt.kind === 'refused' ? attempt.error.message : '', /asks to retry after/);
    assert.equal(server.requests.filter((r) => r.headers['idempotency-key'] === 'k-later').length, 1);
  });

  it('a reset before the body was read is uncertain (the client cannot tell): sent once, never again', async () => {
    server.setFaults('*', { createReset: {} });
    const attempt = await createTask(clientFor(server), request, { idempotencyKey: 'k-reset', retry: fastRetry });
    assert.equal(attempt.kind, 'uncertain');
    assert.equal(attempt.kind === 'uncertain' && attempt.error.exitCode, 10);
    assert.equal(server.requests.filter((r) => r.headers['idempotency-key'] === 'k-reset').length, 1);
    assert.equal(server.creationCount('k-reset'), 0);
  });

  it('no answer in time after the task was made is uncertain, sent once', async () => {
    server.setFaults('*', { createTimeout: {} });
    const attempt = await createTask(clientFor(server, { headersMs: 300 }), request, { idempotencyKey: 'k-timeout', retry: fastRetry });
    assert.equal(attempt.kind, 'uncertain');
    assert.match(attempt.kind === 'uncertain' ? attempt.error.message : '', /no response headers in time; the request was sent, so a task may have been made/);
    assert.equal(server.creationCount('k-timeout'), 1, 'the task exists');
    assert.equal(server.requests.filter((r) => r.headers['idempotency-key'] === 'k-timeout').length, 1);
  });

  it('a 502 is uncertain, a 400 is refused (exit 2, nothing made)', async () => {
    server.setFaults('*', { failFirst: { count: 1, status: 502, on: 'create' } });
    assert.equal((await createTask(clientFor(server), request, { retry: fastRetry })).kind, 'uncertain');
    server.setFaults('*', {});
    const refused = await createTask(clientFor(server), { prompt: '' }, { retry: fastRetry });
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.kind === 'refused' && refused.error.exitCode, 2);
  });

  it('a refused connection is retried, then refused: nothing can have been made', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new VideoApiClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' });
    let retries = 0;
    const attempt = await createTask(client, request, { retry: { ...fastRetry, retries: 2 }, onRetry: () => (retries += 1) });
    assert.equal(attempt.kind, 'refused');
    assert.equal(retries, 2);
    await client.close();
  });
});
