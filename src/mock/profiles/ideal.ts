/**
 * The documented contract (../shared/api/README.md): OpenAI's video object and status words,
 * `vid_` ids, and `/content` with HEAD, Range, ETag and the documented 404 codes
 * `video_not_found`, `video_not_ready`, `video_expired`, `unauthorized`.
 */
import { ALPHANUMERIC, jsonReply, randomId } from '../profile.js';
import type { Profile, TaskView } from '../profile.js';

function error(status: number, message: string, code: string) {
  return jsonReply(status, { error: { message, code } });
}

export const idealProfile: Profile = {
  name: 'ideal',
  content: { head: true, ranges: true, variants: true, disposition: true, notModified: false, headers: {} },
  links: 'none',
  newTaskId: (random) => `vid_${randomId(random, 12, ALPHANUMERIC)}`,
  videoObject: (task: TaskView) => ({
    id: task.id,
    object: 'video',
    model: task.model,
    status: task.phase,
    progress: task.progress,
    created_at: task.createdAt,
    completed_at: task.completedAt ?? null,
    expires_at: task.expiresAt ?? null,
    size: task.size,
    seconds: task.seconds,
    prompt: task.prompt,
    error: task.errorMessage === undefined ? null : { message: task.errorMessage, code: `video_${task.phase}` },
    remixed_from_video_id: task.remixedFrom ?? null,
  }),
  statusHeaders: () => ({}),
  unauthorized: () => error(401, 'Invalid or missing API key', 'unauthorized'),
  routeNotFound: (method, path) => error(404, `No route for ${method} ${path}`, 'not_found'),
  badRequest: (message) => error(400, message, 'invalid_request'),
  statusNotFound: (id) => error(404, `Video ${id} not found`, 'video_not_found'),
  contentNotFound: () => error(404, 'Video not found or not ready', 'video_not_found'),
  contentNotReady: (task) =>
    task.phase === 'failed' || task.phase === 'cancelled'
      ? error(404, `Video generation ${task.phase}; there is no content`, 'video_not_found')
      : error(404, 'Video not found or not ready', 'video_not_ready'),
  contentExpired: () => error(404, 'Video has expired', 'video_expired'),
  contentLagging: () => error(404, 'Video not found or not ready', 'video_not_ready'),
  injectedError: (status) => error(status, `Simulated error ${status}`, status === 429 ? 'rate_limited' : 'server_error'),
};
