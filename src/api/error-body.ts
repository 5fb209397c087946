/**
 * Error bodies come in several shapes (see the API notes): OpenAI's
 * `{"error":{"message","type","param","code"}}`, the gateway's same shape without `code`, the
 * flat `{"code":"task_not_exist","message":...}` of status calls, and plain text or HTML from a
 * proxy in front. All of them become one `ServerError`.
 */
export interface ServerError {
  /** The server's machine-readable code, when it sent a non-empty one. */
  code: string | undefined;
  /** The server's human message, shortened to one line. */
  message: string | undefined;
  /** OpenAI's error `type` (`invalid_request_error`, `server_error`, ...). */
  type: string | undefined;
}

const maxMessageLength = 300;

function oneLine(text: string): string | undefined {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return undefined;
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength)}…` : line;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function fromJson(json: unknown): ServerError | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const body = json as Record<string, unknown>;
  const nested = body['error'];
  if (nested !== null && typeof nested === 'object') {
    const error = nested as Record<string, unknown>;
    return {
      code: nonEmptyString(error['code']),
      message: oneLine(nonEmptyString(error['message']) ?? ''),
      type: nonEmptyString(error['type']),
    };
  }
  if (typeof nested === 'string') {
    return { code: nonEmptyString(body['code']), message: oneLine(nested), type: undefined };
  }
  const code = nonEmptyString(body['code']);
  const message = nonEmptyString(body['message']) ?? nonEmptyString(body['msg']);
  if (code === undefined && message === undefined) return undefined;
  return { code, message: oneLine(message ?? ''), type: nonEmptyString(body['type']) };
}

/** An HTML page says most in its <title>; a plain-text body in its first line. */
function fromText(text: string): ServerError {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const readable = title ?? text.replace(/<[^>]*>/g, ' ');
  return { code: undefined, message: oneLine(readable), type: undefined };
}

export function parseErrorBody(text: string): ServerError {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = fromJson(JSON.parse(trimmed));
      if (parsed !== undefined) return parsed;
    } catch {
      // Not JSON after all (a truncated or hand-written body): read it as text below.
    }
  }
  return fromText(trimmed);
}
