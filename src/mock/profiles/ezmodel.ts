/**
 * The default gateway (https://www.ezmodel.cloud) as its code behaves, not as its docs say:
 * `task_` ids; internal status words (`QUEUED`, `IN_PROGRESS`, `SUCCESS`, `FAILURE`) and
 * progress as a string such as `"30%"`, with absent fields left out instead of null; the
 * flat `{"code":"task_not_exist"}` body for unknown ids on status calls; on `/content`
 * 404 "Task not found" without a code, 400 "Task is not completed yet, current status: X",
 * 502 when the upstream fails or the file expired upstream, no HEAD route (404
 * "Invalid URL"), `variant` ignored, Range ignored although the upstream's
 * `Accept-Ranges: bytes` is passed through, `Cache-Control` added, no Content-Disposition.
 * Its 60-second limit on each whole transfer is applied by the server (transferLimitMs).
 * Completed tasks carry the provider's pre-signed CDN URL in `metadata.url` (the second
 * origin plays the CDN).
 */
import { ALPHANUMERIC, jsonReply, randomId } from '../profile.js';
import type { Profile, TaskPhase, TaskView } from '../profile.js';

const statusWords: Record<TaskPhase, string> = {
  queued: 'QUEUED',
  in_progress: 'IN_PROGRESS',
  completed: 'SUCCESS',
  failed: 'FAILURE',
  cancelled: 'FAILURE',
};

function error(status: number, message: string, type: string) {
  return jsonReply(status, { error: { message, type } });
}

export const ezmodelProfile: Profile = {
  name: 'ezmodel',
  content: {
    head: false,
    ranges: false,
    variants: false,
    disposition: false,
    notModified: false,
    headers: { 'Cache-Control': 'public, max-age=86400' },
  },
  links: 'cdn',
  newTaskId: (random) => `task_${randomId(random, 32, ALPHANUMERIC)}`,
  videoObject: (task: TaskView, link) => ({
    id: task.id,
    task_id: task.id,
    object: 'video',
    model: task.model,
    status: statusWords[task.phase],
    progress: `${task.progress}%`,
    created_at: task.createdAt,
    ...(task.completedAt === undefined ? {} : { completed_at: task.completedAt }),
    ...(task.expiresAt === undefined ? {} : { expires_at: task.expiresAt }),
    size: task.size,
    seconds: task.seconds,
    ...(task.errorMessage === undefined ? {} : { error: { message: task.errorMessage, code: 'FAILURE' }, fail_reason: task.errorMessage }),
    ...(link === undefined ? {} : { metadata: { url: link } }),
  }),
  statusHeaders: () => ({}),
  // The gateway's token check answers in Chinese ("invalid token") with an empty code.
  unauthorized: () => jsonReply(401, { error: { message: '无效的令牌', type: 'new_api_error', code: '' } }),
  routeNotFound: (method, path) =>
    jsonReply(404, { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: '', code: '' } }),
  badRequest: (message) => error(400, message, 'invalid_request_error'),
  statusNotFound: () => jsonReply(400, { code: 'task_not_exist', message: 'task_not_exist', data: null }),
  contentNotFound: () => error(404, 'Task not found', 'invalid_request_error'),
  contentNotReady: (task) =>
    error(400, `Task is not completed yet, current status: ${statusWords[task.phase]}`, 'invalid_request_error'),
  contentExpired: () =>
    error(
      502,
      'Upstream service returned status 404, body: {"error":{"message":"Video content has expired","code":"video_expired"}}',
      'server_error',
    ),
  // The content call reads a copy of the task that the gateway has not yet seen start.
  contentLagging: () => error(400, 'Task is not completed yet, current status: NOT_START', 'invalid_request_error'),
  injectedError: (status) => error(status, `Upstream service returned status ${status}`, 'server_error'),
};
