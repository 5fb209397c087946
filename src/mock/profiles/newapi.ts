/**
 * The newer generation of the gateway family, with the "artifact proxy" (shared/api/README.md,
 * "The field as it stands"): `task_` ids; the OpenAI-shaped status object with integer
 * `progress`, where a task the gateway has not started reads `"unknown"` (its internal
 * NOT_START), and completed tasks carry a signed capability URL on the gateway itself in
 * `metadata.url`; on `/content` HEAD routed, Range and If-Range relayed (206, 416),
 * If-None-Match answered 304, only the entity headers copied plus
 * `Cache-Control: private, no-store`, no limit on the whole transfer, and coded errors
 * `{"error":{"code","message","type"}}` (410 `artifact_gone` once the file has expired).
 * Status calls keep the gateway's flat `task_not_exist` and its Chinese 401.
 */
import { newApiError } from '../artifact-errors.js';
import { ALPHANUMERIC, jsonReply, randomId } from '../profile.js';
import type { Profile, TaskPhase, TaskView } from '../profile.js';

const statusWords: Record<TaskPhase, string> = {
  queued: 'unknown',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The gateway's internal words, which its `/content` errors quote. */
const internalWords: Record<TaskPhase, string> = {
  queued: 'NOT_START',
  in_progress: 'IN_PROGRESS',
  completed: 'SUCCESS',
  failed: 'FAILURE',
  cancelled: 'FAILURE',
};

function error(status: number, message: string, type: string, code = '') {
  return jsonReply(status, { error: { code, message, type } });
}

const notCompleted = (word: string) => error(400, `Task is not completed yet, current status: ${word}`, 'invalid_request_error');

export const newapiProfile: Profile = {
  name: 'newapi',
  content: {
    head: true,
    ranges: true,
    variants: false,
    disposition: true,
    notModified: true,
    headers: { 'Cache-Control': 'private, no-store' },
  },
  links: 'capability',
  newTaskId: (random) => `task_${randomId(random, 32, ALPHANUMERIC)}`,
  videoObject: (task: TaskView, link) => ({
    id: task.id,
    object: 'video',
    model: task.model,
    status: statusWords[task.phase],
    progress: task.progress,
    created_at: task.createdAt,
    ...(task.completedAt === undefined ? {} : { completed_at: task.completedAt }),
    seconds: task.seconds,
    size: task.size,
    ...(task.errorMessage === undefined ? {} : { error: { message: task.errorMessage, code: statusWords[task.phase] } }),
    ...(link === undefined ? {} : { metadata: { url: link } }),
  }),
  statusHeaders: () => ({}),
  unauthorized: () => jsonReply(401, { error: { message: '无效的令牌', type: 'new_api_error', code: '' } }),
  routeNotFound: (method, path) => error(404, `Invalid URL (${method} ${path})`, 'invalid_request_error'),
  badRequest: (message) => error(400, message, 'invalid_request_error'),
  statusNotFound: () => jsonReply(400, { code: 'task_not_exist', message: 'task_not_exist', data: null }),
  contentNotFound: () => error(404, 'Task not found', 'invalid_request_error'),
  contentNotReady: (task) => notCompleted(internalWords[task.phase]),
  contentExpired: () => newApiError(410, 'artifact_gone', 'artifact is no longer available'),
  contentLagging: () => notCompleted(internalWords.queued),
  injectedError: (status) => error(status, `Upstream service returned status ${status}`, 'new_api_error', 'upstream_error'),
};
