import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toNetworkError } from '../../src/api/network-error.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { tempDir, removeTempDirs } from '../helpers/download-sim.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

const key = 'sk-transport-test-42424242';

/** A forward proxy that tunnels CONNECT (what undici's proxy agent speaks) and counts what it carried. */
function startProxy(): Promise<{ server: Server; url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request: IncomingMessage, client, head: Buffer) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, tunnels });
    });
  });
}

describe('transport: proxies and https redirects, through the real binary', () => {
  let mock: MockServer;
  before(async () => {
    mock = await startMockServer({ profile: 'ideal' });
  });
  after(async () => {
    await mock.close();
    await removeTempDirs();
  });

  it('HTTP_PROXY carries the requests; NO_PROXY exempts the host', async () => {
    const proxy = await startProxy();
    try {
      const via = await runCli(['head', 'vid_proxied', '--json'], {
        env: cleanEnv({ EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: mock.baseUrl, HTTP_PROXY: proxy.url }),
      });
      assert.equal(via.code, 0, via.stderr);
      assert.ok(proxy.tunnels.includes(`127.0.0.1:${mock.port}`), `tunnels: ${proxy.tunnels.join(', ')}`);
      const carried = proxy.tunnels.length;
      const direct = await runCli(['head', 'vid_direct', '--json'], {
        env: cleanEnv({ EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: mock.baseUrl, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }),
      });
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(proxy.tunnels.length, carried, 'NO_PROXY: no tunnel for the exempt host');
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });

  it('an https server redirecting to plain http is refused (exit 8), the http side never asked', async () => {
    const dir = await tempDir();
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server: HttpsServer = createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (request, response) => {
      response.writeHead(302, { location: `${mock.baseUrl}${request.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const before = mock.requests.length;
      const run = await runCli(['download', 'vid_downgrade', '-o', join(dir, 'out.mp4'), '--retries', '0'], {
        env: cleanEnv({ EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: `https://127.0.0.1:${port}`, NODE_EXTRA_CA_CERTS: certPath }),
      });
      assert.equal(run.code, 8, run.stderr);
      assert.match(run.stderr, /refused a redirect from https to plain http/);
      assert.equal(mock.requests.length, before, 'nothing was sent over plain http');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('toNetworkError: words, not codes, and a bug is not the network', () => {
  it('puts the words in the message and the code in causeCode', () => {
    const reset = toNetworkError(Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }), 'GET x');
    assert.deepEqual([reset.code, reset.message, reset.causeCode], ['network', 'GET x: connection closed by the server', 'UND_ERR_SOCKET']);
    const tls = toNetworkError(Object.assign(new Error('803C:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 'GET x');
    assert.deepEqual([tls.message, tls.causeCode], ['GET x: the secure (TLS) connection failed', 'ERR_SSL_WRONG_VERSION_NUMBER']);
  });

  it('an undici parser error without a code is a malformed response (network), named in causeCode', () => {
    const parser = Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), { name: 'HTTPParserError' });
    const wrapped = toNetworkError(parser, 'GET x');
    assert.deepEqual([wrapped.code, wrapped.message, wrapped.causeCode], ['network', 'GET x: the server sent a malformed HTTP response', 'HTTPParserError']);
  });

  it('rethrows a TypeError that has no code: a bug exits 1 with its stack instead of being retried', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'length')");
    assert.throws(() => toNetworkError(bug, 'GET x'), (error) => error === bug);
  });
});
