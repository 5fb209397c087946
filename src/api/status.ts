import type { NormalizedStatus } from './video.js';

/**
 * Servers of the /v1/videos family disagree on status words (OpenAI, the gateway's docs and the
 * gateway's internal enum all differ), so every word seen in the wild maps to one of six.
 * Anything else is `unknown`, which the wait engine treats as still running.
 */
const statusWords: Record<string, NormalizedStatus> = {
  queued: 'queued',
  pending: 'queued',
  not_start: 'queued',
  submitted: 'queued',
  // The gateway's word for its internal NOT_START: a task it has not started yet.
  unknown: 'queued',
  in_progress: 'in_progress',
  processing: 'in_progress',
  running: 'in_progress',
  completed: 'completed',
  succeeded: 'completed',
  success: 'completed',
  failed: 'failed',
  failure: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export function normalizeStatus(raw: unknown): NormalizedStatus {
  if (typeof raw !== 'string') return 'unknown';
  return statusWords[raw.trim().toLowerCase().replace(/[\s-]+/g, '_')] ?? 'unknown';
}

export function isTerminalStatus(status: NormalizedStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** `42`, `"42"`, `"42%"` and `42.5` are all progress; anything else (or missing) is absent. */
export function normalizeProgress(raw: unknown): number | undefined {
  let value: number;
  if (typeof raw === 'number') {
    value = raw;
  } else if (typeof raw === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
    if (match?.[1] === undefined) return undefined;
    value = Number(match[1]);
  } else {
    return undefined;
  }
  if (!Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}
