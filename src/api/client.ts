import { parseBaseUrl } from './base-url.js';
import { EzvideoError } from '../errors.js';
import { redactText } from '../redact.js';
import { version } from '../version.js';
import { errorFromResponse } from './classify-response.js';
import { type CreateVideoRequest, encodeCreateBody } from './create-body.js';
import { parseVideo } from './parse-video.js';
import { taskIdPathSegment } from './task-id.js';
import { defaultTimeouts, discardBody, type HttpResponse, type ProxySettings, type Timeouts, Transport } from './transport.js';
import type { VideoTask } from './video.js';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';


export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  timeouts?: Partial<Timeouts> | undefined;
  proxy?: ProxySettings | undefined;
  /** Verbose log lines (never given the key: requests are logged by method and URL only). */
  log?: ((message: string) => void) | undefined;
}

export interface LinkRequest {
  method?: 'GET' | 'HEAD' | undefined;
  /** Extra request headers (Range, If-Range, Accept-Encoding). */
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

export interface ContentRequest extends LinkRequest {
  variant?: Variant | undefined;
}

/** Bodies of error answers are read for their message, never more than this. */
const maxErrorBodyBytes = 64 * 1024;
/** A task object with a long prompt and provider metadata is larger than an error, never this large. */
const maxStatusBodyBytes = 4 * 1024 * 1024;

async function readLimited(response: HttpResponse, limit = maxErrorBodyBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) break;
    }
  } catch {
    // A body cut short still says what it said so far.
  }
  discardBody(response);
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Answers the download engines handle themselves: the body, 304 (validators) and 416 (ranges). */
function isContentAnswer(status: number): boolean {
  return (status >= 200 && status <= 299) || status === 304 || status === 416;
}

/** The HTTP client of the /v1/videos API: one method per call ezvideo makes. */
export class VideoApiClient {
  readonly baseUrl: URL;
  readonly #apiKey: string;
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.baseUrl = parseBaseUrl(options.baseUrl);
    // A program's `process.env.EZVIDEO_API_KEY` may be unset: that is "no key" (exit 3) before
    // any request, not `Authorization: Bearer undefined` sent to the server.
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new EzvideoError('auth', 'no API key', { hint: 'Pass apiKey (for example from EZVIDEO_API_KEY), or set one with `ezvideo config set api-key`.' });
    }
    this.#apiKey = options.apiKey;
    this.#transport = new Transport({
      timeouts: { ...defaultTimeouts, ...options.timeouts },
      proxy: options.proxy ?? {},
      log: options.log,
    });
  }

  #url(path: string, query?: Record<string, string>): URL {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    return url;
  }

  #headers(extra?: Record<string, string>): Record<string, string> {
    return {
      authorization: `Bearer ${this.#apiKey}`,
      'user-agent': `ezvideo/${version}`,
      ...extra,
    };
  }

  /**
   * Some gateways quote the token they refused in their error message; that message travels on
   * into errors, `--json` lines and library callers' logs, so the key is cut out at the source.
   */
  #redacted(text: string): string {
    return redactText(text, [this.#apiKey]);
  }

  /** `GET /v1/videos/{id}`: the task's status. Throws an HttpError for any non-2xx answer. */
  async getVideo(id: string, signal?: AbortSignal): Promise<VideoTask & { pollAfterMs: number | undefined }> {
    const url = this.#url(`v1/videos/${taskIdPathSegment(id)}`);
    const response = await this.#transport.send({
      method: 'GET',
      url,
      headers: this.#headers({ accept: 'application/json' }),
      signal,
    });
    const success = response.status >= 200 && response.status <= 299;
    const text = this.#redacted(await readLimited(response, success ? maxStatusBodyBytes : maxErrorBodyBytes));
    if (!success) throw errorFromResponse(`${id}: status`, response.status, response.headers, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EzvideoError('server', `${id}: status: the server answered with something that is not JSON`, {
        hint: 'A proxy in front of the API may be answering; check the base URL.',
      });
    }
    const pollAfter = Number(response.headers['openai-poll-after-ms']);
    return { ...parseVideo(json, id), pollAfterMs: Number.isFinite(pollAfter) && pollAfter > 0 ? pollAfter : undefined };
  }

  /**
   * `POST /v1/videos`, or with `remixOf` `POST /v1/videos/{id}/remix`: makes a task, and
   * answers its video object. Sent once: whether a failure may be retried is the caller's call
   * (a create that timed out may have made, and billed, a task). `idempotencyKey` goes in the
   * `Idempotency-Key` header, for servers that deduplicate by it.
   */
  async createVideo(request: CreateVideoRequest, options: { remixOf?: string | undefined; idempotencyKey?: string | undefined; signal?: AbortSignal | undefined } = {}): Promise<VideoTask> {
    const what = options.remixOf === undefined ? 'create' : `${options.remixOf}: remix`;
    const path = options.remixOf === undefined ? 'v1/videos' : `v1/videos/${taskIdPathSegment(options.remixOf)}/remix`;
    const { contentType, body } = encodeCreateBody(request);
    const response = await this.#transport.send({
      method: 'POST',
      url: this.#url(path),
      headers: this.#headers({
        accept: 'application/json',
        'content-type': contentType,
        ...(options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }),
      }),
      body,
      signal: options.signal,
    });
    const success = response.status >= 200 && response.status <= 299;
    const text = this.#redacted(await readLimited(response, success ? maxStatusBodyBytes : maxErrorBodyBytes));
    if (!success) throw errorFromResponse(what, response.status, response.headers, text);
    let task: VideoTask | undefined;
    try {
      task = parseVideo(JSON.parse(text), '');
    } catch {
      // Said below, with the answer that had no id.
    }
    if (task === undefined || task.id === '') {
      throw new EzvideoError('server', `${what}: the server answered ${response.status} without a task id`, {
        hint: 'A proxy in front of the API may be answering; check the base URL.',
      });
    }
    return task;
  }

  /** The content URL of a task (no credentials in it): what a partial download is tied to. */
  contentUrl(id: string, variant?: Variant): string {
    return this.#contentUrl(id, variant).href;
  }

  #contentUrl(id: string, variant: Variant | undefined): URL {
    const query = variant === undefined || variant === 'video' ? undefined : { variant };
    return this.#url(`v1/videos/${taskIdPathSegment(id)}/content`, query);
  }

  /**
   * `GET|HEAD /v1/videos/{id}/content`. Returns 2xx, 304 and 416 answers with their body unread
   * (the caller streams or discards it); any other answer becomes an HttpError.
   */
  async openContent(id: string, request: ContentRequest = {}): Promise<HttpResponse> {
    const method = request.method ?? 'GET';
    const response = await this.#transport.send({
      method,
      url: this.#contentUrl(id, request.variant),
      headers: this.#headers(request.headers),
      signal: request.signal,
    });
    if (isContentAnswer(response.status)) return response;
    const text = this.#redacted(await readLimited(response));
    throw errorFromResponse(`${id}: ${method} content`, response.status, response.headers, text);
  }

  /**
   * A direct link from the status object (a provider's CDN, a signed capability URL). Sent
   * without the API key, whatever its origin: the link is its own credential, and the key goes
   * to nobody but the API. A link over plain http while the API uses https is refused, as a
   * redirect of that kind would be. Answers as `openContent`.
   */
  async openLink(id: string, link: string, request: LinkRequest = {}): Promise<HttpResponse> {
    const method = request.method ?? 'GET';
    const url = new URL(link);
    if (this.baseUrl.protocol === 'https:' && url.protocol !== 'https:') {
      throw new EzvideoError('server', `${id}: refused the direct link ${url.origin}: plain http while the API uses https`, {
        hint: 'Use --source gateway to download through the API instead.',
      });
    }
    const response = await this.#transport.send({
      method,
      url,
      headers: { 'user-agent': `ezvideo/${version}`, ...request.headers },
      signal: request.signal,
    });
    if (isContentAnswer(response.status)) return response;
    const text = this.#redacted(await readLimited(response));
    throw errorFromResponse(`${id}: ${method} direct link`, response.status, response.headers, text);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}
