/**
 * OpenAI's own API as its API description and SDKs show it: `video_` ids, status words
 * `queued|in_progress|completed|failed` (no cancelled: a cancelled task reads as failed),
 * errors `{"error":{"message","type","param","code"}}`, `variant` honoured, and the
 * `openai-poll-after-ms` hint on status answers while the task runs.
 *
 * What OpenAI answers for content that is not ready or has expired is not documented; this
 * profile answers 400 `video_not_ready` and 404 `video_expired` in OpenAI's error shape.
 * No `metadata.url`: the client's path for a server without direct links stays testable.
 */
import { HEX, jsonReply, randomId } from '../profile.js';
import type { Profile, TaskView } from '../profile.js';

function error(status: number, message: string, type: string, code: string | null) {
  return jsonReply(status, { error: { message, type, param: null, code } });
}

export const openaiProfile: Profile = {
  name: 'openai',
  content: { head: true, ranges: true, variants: true, disposition: true, notModified: false, headers: {} },
  links: 'none',
  newTaskId: (random) => `video_${randomId(random, 48, HEX)}`,
  videoObject: (task: TaskView) => ({
    id: task.id,
    object: 'video',
    model: task.model,
    status: task.phase === 'cancelled' ? 'failed' : task.phase,
    progress: task.progress,
    created_at: task.createdAt,
    completed_at: task.completedAt ?? null,
    expires_at: task.expiresAt ?? null,
    prompt: task.prompt,
    size: task.size,
    seconds: task.seconds,
    remixed_from_video_id: task.remixedFrom ?? null,
    error:
      task.errorMessage === undefined
        ? null
        : { code: task.phase === 'cancelled' ? 'video_cancelled' : 'video_generation_failed', message: task.errorMessage },
  }),
  statusHeaders: (task, generationTimeMs): Record<string, string> =>
    task.phase === 'queued' || task.phase === 'in_progress'
      ? { 'openai-poll-after-ms': String(Math.max(100, Math.min(5000, Math.round(generationTimeMs / 10)))) }
      : {},
  unauthorized: () => error(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
  routeNotFound: (method, path) => error(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null),
  badRequest: (message) => error(400, message, 'invalid_request_error', null),
  statusNotFound: (id) => error(404, `Video with id '${id}' not found.`, 'invalid_request_error', null),
  contentNotFound: (id) => error(404, `Video with id '${id}' not found.`, 'invalid_request_error', null),
  contentNotReady: (task) =>
    error(400, `Video is not ready: its status is ${task.phase === 'cancelled' ? 'failed' : task.phase}.`, 'invalid_request_error', 'video_not_ready'),
  contentExpired: (task) => error(404, `The content of video '${task.id}' has expired.`, 'invalid_request_error', 'video_expired'),
  // What OpenAI answered in the moments after a task read completed.
  contentLagging: () => error(404, 'Video is not ready yet', 'invalid_request_error', 'video_not_ready'),
  injectedError: (status) =>
    status === 429
      ? error(429, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded')
      : error(status, 'The server had an error while processing your request.', 'server_error', null),
};
