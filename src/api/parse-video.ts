import { findDirectLink } from './direct-link.js';
import { normalizeProgress, normalizeStatus } from './status.js';
import type { VideoTask } from './video.js';

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The error of a failed task: OpenAI nests it (`{error:{message}}`), gateways may flatten it. */
function taskError(body: Record<string, unknown>): string | undefined {
  const error = body['error'];
  if (typeof error === 'string') return optionalString(error);
  if (error !== null && typeof error === 'object') {
    return optionalString((error as Record<string, unknown>)['message']);
  }
  return optionalString(body['fail_reason']);
}

/**
 * Reads a video object leniently: gateways drop fields instead of sending null, and some wrap
 * the object in `{ data: {...} }`. `requestedId` fills in a missing id. One release answers only
 * its internal record (`task_id`, `SUCCESS`, `"100%"`, `fail_reason`, `finished_at`), read as well.
 */
export function parseVideo(json: unknown, requestedId: string): VideoTask {
  let body = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const data = body['data'];
  if (body['status'] === undefined && data !== null && typeof data === 'object') {
    body = data as Record<string, unknown>;
  }
  const rawStatus = optionalString(body['status']) ?? '';
  return {
    id: optionalString(body['id']) ?? optionalString(body['task_id']) ?? requestedId,
    status: normalizeStatus(rawStatus),
    rawStatus,
    progress: normalizeProgress(body['progress']),
    model: optionalString(body['model']),
    size: optionalString(body['size']),
    seconds: optionalString(body['seconds']),
    createdAt: optionalNumber(body['created_at']),
    completedAt: optionalNumber(body['completed_at']) ?? optionalNumber(body['finished_at']),
    expiresAt: optionalNumber(body['expires_at']),
    error: taskError(body),
    directUrl: findDirectLink(body),
    raw: json,
  };
}
