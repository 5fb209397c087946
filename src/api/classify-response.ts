import { type ErrorCode, HttpError } from '../errors.js';
import { parseErrorBody, type ServerError } from './error-body.js';
import { retryAfterMs } from './retry-after.js';

/** Statuses that mean "try again later" (OpenAI's advice plus the usual gateway ones). */
const transientStatuses = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return transientStatuses.has(status);
}

/**
 * The gateway answers 502 "Upstream service returned status 404" when the file is gone
 * upstream (expired): retrying cannot bring it back, so that one is `expired`, not transient.
 */
function upstreamSaysGone(server: ServerError): boolean {
  const message = server.message ?? '';
  return /upstream[^]*status:?\s*(404|410)\b/i.test(message) || /\bexpired\b/i.test(message);
}

/**
 * The gateway's "not completed" answer is a 400 with no code, so the message is read, but only
 * together with the status: a 400 is otherwise a request the server refuses outright.
 */
function saysNotReady(server: ServerError): boolean {
  return server.code === 'video_not_ready' || /not\s+(yet\s+)?(completed|ready|finished)/i.test(server.message ?? '');
}

/**
 * The artifact proxy's coded answers that retrying cannot change: its own credentials with the
 * provider failed, or it refused to fetch (a proxy loop, a bad URL, its SSRF filter). The first
 * is a 502 and the second may be a 403, which must not read as "your API key was refused".
 */
const finalServerCodes = new Set(['artifact_upstream_auth_failed', 'artifact_request_rejected']);

const expiredCodes = new Set(['video_expired', 'artifact_gone', 'result_expired']);

function classify(status: number, server: ServerError): ErrorCode {
  const code = server.code?.toLowerCase();
  if (code !== undefined && finalServerCodes.has(code)) return 'server';
  if (status === 401 || status === 403 || code === 'unauthorized' || code === 'invalid_api_key') return 'auth';
  if ((code !== undefined && expiredCodes.has(code)) || status === 410) return 'expired';
  if (code === 'video_not_ready') return 'not_ready';
  if (code === 'video_not_found' || code === 'task_not_exist' || code === 'not_found') return 'not_found';
  // OpenAI answered a 404 "Video is not ready yet" right after completion.
  if (status === 404) return saysNotReady(server) ? 'not_ready' : 'not_found';
  if (status === 400) return saysNotReady(server) ? 'not_ready' : 'server';
  if (status === 502 && upstreamSaysGone(server)) return 'expired';
  return 'server';
}

const summaries: Record<ErrorCode, string> = {
  usage: 'the request was refused',
  auth: 'the API key was refused',
  not_found: 'video not found',
  not_ready: 'video is not ready yet',
  generation_failed: 'video generation failed',
  expired: 'video has expired and can no longer be downloaded',
  network: 'network error',
  server: 'server error',
  output: 'output error',
  integrity: 'integrity error',
  uncertain: 'the outcome is unknown',
  hook: 'the hook failed',
  interrupted: 'interrupted',
};

/** What the artifact proxy's final codes mean, in words: neither is about the user's key. */
const finalServerExplanations: Record<string, { summary: string; hint: string }> = {
  artifact_upstream_auth_failed: {
    summary: "the gateway's own credentials with its upstream provider were refused (not your API key)",
    hint: "Retrying cannot help: tell the gateway's operator.",
  },
  artifact_request_rejected: {
    summary: 'the gateway refused to fetch the file from its upstream (proxy loop, bad URL or its address filter)',
    hint: "Retrying cannot help: tell the gateway's operator.",
  },
};

const hints: Partial<Record<ErrorCode, string>> = {
  auth: 'Check the key: --api-key, EZVIDEO_API_KEY or `ezvideo config set api-key`.',
  not_found: 'Check the id and the base URL (--base-url, EZVIDEO_BASE_URL).',
  not_ready: 'If the task is still running, wait for it: `ezvideo download --wait` or `ezvideo wait --then-download` with its id.',
  server: 'The server kept failing: try again later; a partial file is kept, and the same command resumes.',
  expired: 'Generate the video again; finished videos are kept for a limited time.',
};

/**
 * Turns a non-success HTTP answer into one typed error. `what` names the request in the
 * message (e.g. `vid_abc: GET /content`).
 */
export function errorFromResponse(
  what: string,
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  bodyText: string,
): HttpError {
  const server = parseErrorBody(bodyText);
  const code = classify(status, server);
  const final = server.code === undefined ? undefined : finalServerExplanations[server.code.toLowerCase()];
  const said = server.message === undefined ? '' : `: ${server.message}`;
  return new HttpError(
    code,
    `${what}: ${final?.summary ?? summaries[code]} (HTTP ${status}${server.code === undefined ? '' : ` ${server.code}`})${said}`,
    {
      status,
      serverCode: server.code,
      serverMessage: server.message,
      retryAfterMs: retryAfterMs(headers),
    },
    { hint: final?.hint ?? hints[code] },
  );
}

export function isRetryableHttpError(error: HttpError): boolean {
  const final = error.serverCode !== undefined && finalServerCodes.has(error.serverCode.toLowerCase());
  return error.code === 'server' && !final && isTransientStatus(error.status);
}
