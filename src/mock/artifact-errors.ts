/**
 * The artifact proxy's coded errors, `{"error":{"code","message","type":"new_api_error"}}`,
 * and the answers of the `artifactError` fault, one per row of the table in
 * shared/api/README.md ("The field as it stands").
 */
import type { ArtifactErrorKind } from './faults.js';
import { jsonReply } from './profile.js';
import type { Reply } from './profile.js';

export function newApiError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return jsonReply(status, { error: { code, message, type: 'new_api_error' } }, headers);
}

const answers: Record<ArtifactErrorKind, () => Reply> = {
  upstream_auth_failed: () => newApiError(502, 'artifact_upstream_auth_failed', 'artifact upstream refused the credentials'),
  gone: () => newApiError(410, 'artifact_gone', 'artifact is no longer available'),
  // A fork's word for the same condition.
  result_expired: () => newApiError(410, 'result_expired', 'result has expired'),
  upstream_busy: () => newApiError(503, 'artifact_upstream_busy', 'artifact upstream is busy', { 'Retry-After': '1' }),
  upstream_timeout: () => newApiError(504, 'artifact_upstream_timeout', 'artifact upstream timed out'),
  upstream_error: () => newApiError(502, 'artifact_upstream_error', 'artifact upstream returned an error'),
  request_rejected: () => newApiError(403, 'artifact_request_rejected', 'artifact request rejected'),
};

export function artifactErrorReply(kind: ArtifactErrorKind): Reply {
  return answers[kind]();
}
