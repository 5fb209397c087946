/**
 * Serves a payload on `/content` (and on the second origin): validators, Range and If-Range
 * when supported, If-None-Match where relayed, HEAD, and the faults that shape a body (cuts,
 * stalls, throttling, lies about lengths and ranges). Shared by every profile; what differs
 * comes in `support`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeBody } from './body-writer.js';
import type { BodyPlan } from './body-writer.js';
import type { ActiveFaults } from './fault-rules.js';
import { noneMatchHits } from './if-none-match.js';
import type { Payload } from './payload.js';
import { mulberry32 } from './prng.js';
import type { ContentSupport } from './profile.js';
import { ifRangeMatches, parseRange } from './range.js';
import { writeRawResponse } from './raw-response.js';
import { markRawResponseEnded } from './request-log.js';
import type { RecordedRequest } from './request-log.js';

/** See the reset in serveContent. */
const RESET_DELAY_MS = 20;

export interface ContentRequest {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  payload: Payload;
  /** The name suggested in Content-Disposition. */
  filename: string;
  support: ContentSupport;
  faults: ActiveFaults;
  /** Aborted when the response closes, the transfer limit strikes or the server shuts down. */
  signal: AbortSignal;
}

export async function serveContent(request: ContentRequest): Promise<void> {
  const { req, res, record, payload, support, faults, signal } = request;
  const size = payload.size;
  const headers: Record<string, string> = {
    'Content-Type': payload.contentType,
    'Accept-Ranges': 'bytes',
    ETag: payload.etag,
    'Last-Modified': payload.lastModified.toUTCString(),
    ...support.headers,
  };
  const filename = faults.contentDisposition ?? (support.disposition ? request.filename : undefined);
  if (filename !== undefined) headers['Content-Disposition'] = `attachment; filename="${filename}"`;

  // Evaluated before Range, as RFC 9110 orders the preconditions.
  if (support.notModified && noneMatchHits(firstValue(req.headers['if-none-match']), payload.etag)) {
    res.writeHead(304, { ETag: payload.etag, 'Last-Modified': payload.lastModified.toUTCString(), ...support.headers });
    res.end();
    return;
  }

  if (faults.errorAsVideo) {
    const body = Buffer.from(errorAsVideoBody);
    res.writeHead(200, { 'Content-Type': 'video/mp4', ...(faults.errorAsVideo.chunked ? {} : { 'Content-Length': String(body.length) }) });
    if (req.method !== 'HEAD') record.bodyBytes += body.length;
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }

  let status = 200;
  let start = 0;
  let end = size - 1;
  const rangeHeader = req.headers.range;
  const useRange =
    rangeHeader !== undefined &&
    support.ranges &&
    !faults.ignoreRange &&
    ifRangeMatches(firstValue(req.headers['if-range']), payload.etag, payload.lastModified);
  if (useRange) {
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    if (range) {
      status = 206;
      const shift = faults.rangeStartShift ?? 0;
      start = clamp(range.start + shift, 0, size - 1);
      end = clamp(range.end + shift, start, size - 1);
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  const length = end - start + 1;
  const onBytes = (count: number) => {
    record.bodyBytes += count;
  };

  if (req.method === 'HEAD') {
    res.writeHead(status, { ...headers, 'Content-Length': String(length) });
    res.end();
    return;
  }

  if (faults.lengthTooShort !== undefined) {
    record.status = status;
    const socket = res.socket as Socket;
    const announced = Math.max(0, length - faults.lengthTooShort);
    const outcome = await writeRawResponse(socket, status, headers, announced, payload.chunks(start, end), signal, onBytes);
    if (outcome === 'complete') markRawResponseEnded(record);
    return;
  }

  const plan: BodyPlan = { chunks: payload.chunks(start, end) };
  if (faults.throttle !== undefined) plan.throttle = faults.throttle;
  if (faults.stall) {
    plan.stall = { afterBytes: faults.stall.afterBytes ?? Math.floor(length / 2), ms: faults.stall.seconds * 1000 };
  }

  if (faults.chunkedCut) {
    // No Content-Length: node sends the body chunked and res.end() writes the last chunk.
    res.writeHead(status, headers);
    plan.limit = Math.min(faults.chunkedCut.atByte, length);
    if ((await writeBody(res, plan, signal, onBytes)) !== 'aborted') res.end();
    return;
  }

  res.writeHead(status, { ...headers, 'Content-Length': String(length) });
  const resetAt = resetOffset(faults, length);
  const shortAt = faults.shortBody ? Math.max(0, length - faults.shortBody.missingBytes) : undefined;
  const cutAt = resetAt ?? shortAt;
  if (cutAt !== undefined && cutAt < length) plan.limit = cutAt;
  const outcome = await writeBody(res, plan, signal, onBytes);
  if (outcome === 'complete') {
    res.end();
  } else if (outcome === 'limit') {
    const socket = res.socket;
    if (!socket) return;
    // Let what was written leave the process first, so the cut falls at the chosen byte.
    await flushed(socket);
    if (resetAt !== undefined) {
      record.cut = 'reset';
      // A reset that lands together with the last data is read as a plain EOF by libuv
      // clients (node, undici); a moment's delay lets the client drain the data first so the
      // reset reaches it as ECONNRESET, as a reset from a real network usually does.
      await sleep(RESET_DELAY_MS);
      if (!socket.destroyed) socket.resetAndDestroy();
    } else {
      record.cut = 'short-body';
      socket.destroySoon();
    }
  }
}

/** What the gateway sent as the "video": its upstream's error, as JSON. */
const errorAsVideoBody = '{"error":{"message":"upstream returned status 500","type":"upstream_error"}}';

/** Where a reset falls in this body, or undefined when it does not fall inside it. */
function resetOffset(faults: ActiveFaults, length: number): number | undefined {
  const reset = faults.reset;
  if (!reset) return undefined;
  if (reset.seed !== undefined) {
    const random = mulberry32(reset.seed + faults.contentOrdinal * 0x9e3779b1);
    return Math.floor(random() * length);
  }
  return reset.afterBytes !== undefined && reset.afterBytes < length ? reset.afterBytes : undefined;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Resolves once everything written so far has been handed to the operating system. */
function flushed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.write(Buffer.alloc(0), () => resolve());
  });
}
