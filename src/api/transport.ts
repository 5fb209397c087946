import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { EnvHttpProxyAgent } from './undici-parts.js';
import { EzvideoError } from '../errors.js';
import { toNetworkError } from './network-error.js';

export interface Timeouts {
  /** TCP + TLS connection set-up. */
  connectMs: number;
  /** From request sent to response headers received. */
  headersMs: number;
  /** Longest silence allowed between two body chunks (a stall). */
  bodyIdleMs: number;
}

export const defaultTimeouts: Timeouts = { connectMs: 15_000, headersMs: 60_000, bodyIdleMs: 30_000 };

export interface ProxySettings {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
  body?: string | Buffer | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Readable & { text(): Promise<string>; dump(opts?: { limit: number }): Promise<void> };
  /** Where the answer finally came from, after redirects. */
  url: URL;
}

/**
 * Drops an answer's body without reading it. undici reports a destroyed, unfinished body as an
 * 'error' event ("Request aborted"); nobody else listens by then, so it is swallowed here.
 */
export function discardBody(response: HttpResponse): void {
  response.body.on('error', () => {});
  response.body.destroy();
}

/** A signed URL's query is its credential: logs show that there was one, never what it says. */
function loggedUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search === '' ? '' : '?…'}`;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * undici with our rules on top: timeouts, proxies from the injected environment, and redirects
 * followed by hand, because the rules about credentials are ours to enforce: `Authorization`
 * is dropped for good once the origin changes, and https -> http or any non-http scheme is
 * refused outright.
 */
export class Transport {
  readonly #dispatcher: Dispatcher;
  readonly #timeouts: Timeouts;
  readonly #log: (message: string) => void;

  constructor(options: { timeouts: Timeouts; proxy: ProxySettings; log?: ((message: string) => void) | undefined }) {
    this.#timeouts = options.timeouts;
    this.#log = options.log ?? (() => {});
    // Empty strings (not undefined) stop undici from reading process.env behind our back.
    this.#dispatcher = new EnvHttpProxyAgent({
      httpProxy: options.proxy.httpProxy ?? '',
      httpsProxy: options.proxy.httpsProxy ?? '',
      noProxy: options.proxy.noProxy ?? '',
      connect: { timeout: options.timeouts.connectMs },
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyIdleMs,
    });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url;
    let method = request.method;
    let body = request.body;
    const headers = { ...request.headers };
    for (let hop = 0; ; hop += 1) {
      this.#log(`${method} ${loggedUrl(url)}`);
      const response = await this.#once(method, url, headers, body, request.signal);
      this.#log(`<- ${response.status} ${response.headers['content-type'] ?? ''}`);
      const location = response.headers['location'];
      if (!redirectStatuses.has(response.status) || location === undefined) return response;
      await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
      if (hop >= maxRedirects) {
        throw new EzvideoError('server', `too many redirects (more than ${maxRedirects}) from ${request.url.origin}`, {
          hint: 'The server redirects in a loop; check the base URL.',
        });
      }
      const next = this.#nextUrl(url, location);
      if (next.origin !== url.origin && headers['authorization'] !== undefined) {
        this.#log(`redirected to another origin (${next.origin}): Authorization dropped`);
        delete headers['authorization'];
      }
      if (response.status === 303 && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  #nextUrl(current: URL, location: string): URL {
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new EzvideoError('server', `the server redirected to an invalid URL: ${JSON.stringify(location.slice(0, 200))}`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new EzvideoError('server', `refused a redirect to a ${next.protocol} URL (only http and https are followed)`);
    }
    if (current.protocol === 'https:' && next.protocol === 'http:') {
      throw new EzvideoError('server', `refused a redirect from https to plain http (${next.origin})`, {
        hint: 'Downgrading to http would expose the download; use a server that stays on https.',
      });
    }
    return next;
  }

  async #once(
    method: HttpRequest['method'],
    url: URL,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    try {
      const response = await this.#dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        body,
        signal,
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyIdleMs,
        highWaterMark: 256 * 1024,
      });
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body, url };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toNetworkError(error, `${method} ${url.origin}${url.pathname}`);
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
