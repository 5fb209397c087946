/**
 * A deliberately plain HTTP client for the simulator's tests: node's http module on a fresh
 * connection per request, keeping everything (headers, bytes, how it ended, timings) so that
 * tests see exactly what went over the wire.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export const AUTH = { authorization: 'Bearer test-key' };

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body ended as HTTP says it should (Content-Length reached or last chunk seen). */
  complete: boolean;
  /** The socket error, e.g. ECONNRESET, if the response broke. */
  errorCode: string | undefined;
  /** Milliseconds from sending the request to the end of the response. */
  elapsedMs: number;
  /** Milliseconds of arrival of each body chunk, relative to the start. */
  chunkTimes: { atMs: number; bytes: number }[];
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Keep only the byte count (for large bodies). */
  discardBody?: boolean;
  /** Send no Authorization header at all, as a client following a signed URL must. */
  withoutAuth?: boolean;
}

export function request(url: string, options: RequestOptions = {}): Promise<WireResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = { ...(options.withoutAuth ? {} : AUTH), ...options.headers };
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false });
    let responded = false;
    // Once the response has begun, a broken connection is part of it (see errorCode).
    req.on('error', (error) => {
      if (!responded) reject(error);
    });
    req.on('response', (res) => {
      responded = true;
      const parts: Buffer[] = [];
      const chunkTimes: WireResponse['chunkTimes'] = [];
      let errorCode: string | undefined;
      res.on('data', (chunk: Buffer) => {
        chunkTimes.push({ atMs: performance.now() - started, bytes: chunk.length });
        if (!options.discardBody) parts.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => {
        errorCode = error.code ?? error.message;
      });
      res.on('close', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts),
          complete: res.complete,
          errorCode,
          elapsedMs: performance.now() - started,
          chunkTimes,
        });
      });
    });
    req.end(options.body);
  });
}

/** Bytes received, also when the body was discarded. */
export function receivedBytes(response: WireResponse): number {
  return response.chunkTimes.reduce((sum, chunk) => sum + chunk.bytes, 0);
}

export function json(response: WireResponse): Record<string, unknown> {
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface RawExchange {
  /** Status line and headers, as sent. */
  head: string;
  /** Every byte after the blank line, however many the server sent. */
  body: Buffer;
  /** How the server ended the connection: a clean FIN or a TCP reset. */
  ending: 'fin' | 'reset';
}

/**
 * One request on a raw TCP connection (`Connection: close`), for what an HTTP client would
 * hide: whether the connection ended with FIN or RST, and bytes beyond Content-Length.
 */
export function rawExchange(url: string, headers: Record<string, string> = {}): Promise<RawExchange> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    const parts: Buffer[] = [];
    let ending: RawExchange['ending'] | undefined;
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('end', () => {
      ending = 'fin';
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') ending = 'reset';
      else reject(error);
    });
    socket.on('close', () => {
      const all = Buffer.concat(parts);
      const split = all.indexOf('\r\n\r\n');
      if (ending === undefined || split < 0) return reject(new Error(`no complete head (${all.length} bytes)`));
      resolve({ head: all.subarray(0, split).toString('latin1'), body: all.subarray(split + 4), ending });
    });
    const lines = Object.entries({ ...AUTH, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n${lines.join('')}Connection: close\r\n\r\n`);
  });
}

export function headerOf(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
