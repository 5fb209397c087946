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

/** JavaScript's own error classes: without a code of the system or of undici, they are a bug. */
const programmingErrors = [TypeError, RangeError, ReferenceError, SyntaxError];

/** Words for a failure whose code has none of its own: TLS codes, undici's parser, the rest. */
function explain(code: string | undefined, error: unknown): string {
  if (code !== undefined && code in explanations) return explanations[code] as string;
  if (code !== undefined && /SSL|TLS|CERT/.test(code)) return 'the secure (TLS) connection failed';
  if ((error as Error | null)?.name === 'HTTPParserError') return 'the server sent a malformed HTTP response';
  return 'the connection failed';
}

/**
 * Wraps a transport failure as a `network` EzvideoError (retryable), in words; the code goes
 * to `causeCode` (the error's name where it has no code). Errors that are already ours pass
 * through unchanged, so a wrapper never hides an interruption or a usage error. A TypeError or
 * the like with no code anywhere is a bug, not the network: it is rethrown as it is, to exit 1
 * with its stack rather than be retried.
 */
export function toNetworkError(error: unknown, what: string): EzvideoError {
  if (error instanceof EzvideoError) return error;
  const code = errorCodeOf(error);
  if (code === undefined && programmingErrors.some((kind) => error instanceof kind)) throw error;
  return new EzvideoError('network', `${what}: ${explain(code, error)}`, {
    cause: error,
    causeCode: code ?? (error instanceof Error ? error.name : undefined),
    hint: hostNotFound(code) ? 'Check the host name in the base URL (--base-url, EZVIDEO_BASE_URL) and your network.' : 'Check your connection and the base URL; ezvideo retried where it could.',
  });
}

/** A name that does not resolve: worth a few seconds of retries (a resolver hiccup), not a minute. */
export function hostNotFound(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
