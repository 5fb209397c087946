/**
 * The misbehaviours the simulator can be told to show, server-wide or per task id. Every
 * field is optional and independent, so one test can combine several (a throttled body that
 * also stalls, a 503 before a redirect, ...). Faults that cut or refuse a body take `times`:
 * they hit only the first `times` content responses of each task (counted from the moment the
 * fault was set), so that a retrying client can eventually succeed; without it they always hit.
 */

export interface FailFirstFault {
  /** How many requests of each task are refused; `Infinity` refuses them all. */
  count: number;
  /** The HTTP status to answer, typically 429, 500, 502 or 503. */
  status: number;
  /** Sends `Retry-After` with this many seconds (in the format below). */
  retryAfterSeconds?: number;
  /** `seconds` (default) or `http-date` (the same instant as an IMF-fixdate). */
  retryAfterFormat?: 'seconds' | 'http-date';
  /** Sends OpenAI's `retry-after-ms` header. */
  retryAfterMs?: number;
  /** `json` (the profile's error shape, default) or `html` (an error page from a proxy). */
  body?: 'json' | 'html';
  /**
   * Which calls are refused: `content` (default), `status`, `create` (create and remix; the
   * count is of all creates, since they name no task yet) or `any`.
   */
  on?: 'content' | 'status' | 'create' | 'any';
}

export interface Faults {
  failFirst?: FailFirstFault;
  /**
   * Resets the connection (TCP RST) after `afterBytes` bytes of body, or, with `seed`, at a
   * pseudo-random offset in the body that differs from response to response.
   */
  reset?: { afterBytes?: number; seed?: number; times?: number };
  /** Stops sending for `seconds` after `afterBytes` bytes of body (default: half of it). */
  stall?: { seconds: number; afterBytes?: number; times?: number };
  /** Announces the full Content-Length, sends `missingBytes` fewer, closes the connection. */
  shortBody?: { missingBytes: number; times?: number };
  /** Sends no Content-Length (chunked) and ends the body cleanly after `atByte` bytes. */
  chunkedCut?: { atByte: number; times?: number };
  /** Bytes per second, per connection (parallel range connections each get this much). */
  throttle?: number;
  /** Answers 200 with the whole body to ranged requests, still sending Accept-Ranges. */
  ignoreRange?: boolean;
  /** Every content response gets a new ETag and Last-Modified and new bytes: a new file. */
  etagChanges?: boolean;
  /**
   * `/content` answers 302: to a second origin (another port) that serves the file and records
   * what it received, to itself forever, or to a URL of a scheme a downloader must never
   * follow (`file:`, `ftp:`, `javascript:`).
   */
  redirect?: RedirectTarget;
  /**
   * `/content` answers 200 `video/mp4` with a small error JSON as its body, as a gateway once
   * did; `chunked`: without Content-Length, so that only the bytes tell.
   */
  errorAsVideo?: { chunked?: boolean };
  /** The payload keeps its length but its box structure is wrong (as `broken_` ids). */
  brokenStructure?: boolean;
  /** The task stays `in_progress` forever (as `never_` ids). */
  neverFinish?: boolean;
  /** Status calls answer 200 with a truncated JSON body. */
  malformedJson?: boolean;
  /** 206 answers start this many bytes away from the asked start (Content-Range tells so). */
  rangeStartShift?: number;
  /**
   * Content-Length announces this many bytes less than the body that follows (written raw on
   * the socket, since node's server refuses to exceed Content-Length).
   */
  lengthTooShort?: number;
  /** A filename sent as-is in `Content-Disposition: attachment; filename="..."`. */
  contentDisposition?: string;
  /** Cuts each transfer (headers and body) this many ms after the request arrived. */
  transferLimitMs?: number;
  /**
   * Every call answers 401 with an error message that quotes the Authorization header it
   * received, as some gateways do ("invalid token: Bearer sk-..."): the client must not
   * repeat that message with the key in it.
   */
  echoAuthorization?: boolean;
  /**
   * The artifact proxy's coded failures on `/content` of a completed task (the table in
   * shared/api/README.md): 502, 410, 503 with `Retry-After: 1`, 504 or 403, each with its
   * `artifact_*` code.
   */
  artifactError?: { kind: ArtifactErrorKind; times?: number };
  /**
   * For this long after a task completes, its status already says completed but `/content`
   * still answers the profile's not-ready error: the status call and the content call read
   * different copies of the task. The CDN (second origin) is another copy and has no lag.
   */
  contentLagMs?: number;
  /**
   * `/content` answers 307 to the task's signed URL on the second origin, which plays the
   * provider's CDN, with `Referrer-Policy: no-referrer`; `?download=1` asks for the proxy.
   */
  redirectCdn?: boolean;
  /** Lifetime of the signed links in status objects and CDN redirects. Default one hour. */
  linkExpiryMs?: number;
  /*
   * Faults of `POST /v1/videos` and `/remix` (set them on `*`: a create names no task yet).
   * `times` counts creates, as the content faults count responses.
   */
  /** The task is made, then no answer ever comes: the client's timeout makes it "uncertain". */
  createTimeout?: { times?: number };
  /** The connection is reset as soon as the request's headers arrive: no body read, no task. */
  createReset?: { times?: number };
  /** The tasks made by the next creates fail their generation (`failed`, no content). */
  failGeneration?: { times?: number };
  /** The task is made at once, the answer sent this much later (real gateways take a second or more). */
  createLatencyMs?: number;
}

export const REDIRECT_TARGETS = ['second-origin', 'loop', 'file-url', 'ftp-url', 'javascript-url'] as const;
export type RedirectTarget = (typeof REDIRECT_TARGETS)[number];

export const ARTIFACT_ERROR_KINDS = [
  'upstream_auth_failed',
  'gone',
  'result_expired',
  'upstream_busy',
  'upstream_timeout',
  'upstream_error',
  'request_rejected',
] as const;
export type ArtifactErrorKind = (typeof ARTIFACT_ERROR_KINDS)[number];
