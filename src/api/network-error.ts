import { EzvideoError } from '../errors.js';

/** undici's and node's codes for what went wrong on the wire, in words a user can act on. */
const explanations: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'no data received for too long (stalled)',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the response was shorter or longer than its Content-Length',
  UND_ERR_CLOSED: 'connection closed',
  HPE_INVALID_CONSTANT: 'the server sent a malformed HTTP response',
};

/** The most specific code in an error or its causes (undici nests socket errors). */
export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in explanations) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps a transport failure as a `network` EzvideoError (retryable), in words; the code goes
 * to `causeCode`. Errors that are already ours pass through unchanged, so a wrapper never
 * hides an interruption or a usage error. An error with no code at all (a TypeError) is a bug,
 * not the network: it is rethrown as it is, to exit 1 with its stack rather than be retried.
 */
export function toNetworkError(error: unknown, what: string): EzvideoError {
  if (error instanceof EzvideoError) return error;
  const code = errorCodeOf(error);
  if (code === undefined) throw error;
  const explanation = explanations[code] ?? (error instanceof Error ? error.message : String(error));
  return new EzvideoError('network', `${what}: ${explanation}`, {
    cause: error,
    causeCode: code,
    hint: hostNotFound(code) ? 'Check the host name in the base URL (--base-url, EZVIDEO_BASE_URL) and your network.' : 'Check your connection and the base URL; ezvideo retried where it could.',
  });
}

/** A name that does not resolve: worth a few seconds of retries (a resolver hiccup), not a minute. */
export function hostNotFound(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
