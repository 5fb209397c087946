/**
 * What the simulator saw and did, per request, so tests can assert on the client's behaviour
 * (which headers it sent, whether it resumed with Range, how often it retried) and on the
 * fault itself (how many body bytes went out before the cut).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How a response ended early: a TCP reset, a clean close before the announced length, the
 * whole-transfer time limit, or the client going away (also when the server is closed).
 */
export type CutKind = 'reset' | 'short-body' | 'transfer-limit' | 'client-gone';

export interface RecordedRequest {
  /** `main`, or `second` for the redirect target origin. */
  origin: 'main' | 'second';
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as node gives them. */
  headers: Record<string, string>;
  /** The task id the path names, if any. */
  taskId: string | undefined;
  /** The `Range` header as sent. */
  range: string | undefined;
  /** The status sent; 0 if the connection ended before any. */
  status: number;
  /** Body bytes written to the connection (a reset may keep some from reaching the client). */
  bodyBytes: number;
  cut: CutKind | undefined;
  /** `Date.now()` when the request arrived and when its response ended. */
  startedAt: number;
  endedAt: number | undefined;
}

export function recordRequest(
  origin: RecordedRequest['origin'],
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  onEnd: (record: RecordedRequest) => void,
): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const record: RecordedRequest = {
    origin,
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    taskId: undefined,
    range: headers['range'],
    status: 0,
    bodyBytes: 0,
    cut: undefined,
    startedAt: Date.now(),
    endedAt: undefined,
  };
  res.once('close', () => {
    if (res.headersSent) record.status = res.statusCode;
    const ended = res.writableFinished || rawResponsesEnded.has(record);
    if (!ended && record.cut === undefined && record.status !== 0) record.cut = 'client-gone';
    record.endedAt = Date.now();
    onEnd(record);
  });
  return record;
}

/** Responses written raw on the socket, which node's ServerResponse never sees finish. */
const rawResponsesEnded = new WeakSet<RecordedRequest>();

export function markRawResponseEnded(record: RecordedRequest): void {
  rawResponsesEnded.add(record);
}
