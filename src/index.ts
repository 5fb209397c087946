/**
 * The library API: the same engines the CLI uses, for programs. Nothing here prints or reads
 * `process`; progress comes back as events through `onEvent`.
 */
import { type ClientOptions, VideoApiClient } from './api/client.js';
import type { CreateVideoRequest } from './api/create-body.js';
import type { VideoTask } from './api/video.js';
import { createTask } from './core/create-task.js';
import { type DownloadOptions, downloadVideo as downloadWithClient } from './core/download.js';
import type { DownloadResult } from './core/events.js';
import { readInputReference } from './core/input-reference.js';
import type { RetryPolicy } from './core/retry-policy.js';

export { VideoApiClient, type ClientOptions, type Variant } from './api/client.js';
export { defaultBaseUrl } from './api/base-url.js';
export type { Timeouts, ProxySettings } from './api/transport.js';
export type { VideoTask, NormalizedStatus } from './api/video.js';
export { normalizeStatus, normalizeProgress, isTerminalStatus } from './api/status.js';
export { parseErrorBody, type ServerError } from './api/error-body.js';
export { EzvideoError, HttpError, ExitCode, type ErrorCode } from './errors.js';
export type { DownloadOptions, OutputTarget } from './core/download.js';
export type { SourceKind, SourceMode } from './core/content-source.js';
export type { DownloadResult, DownloadEvent, WaitEvent, CreateEvent, EngineEvent, EventSink } from './core/events.js';
export { probeContent, type ContentInfo, type RangeSupport } from './core/probe-content.js';
export { checkFileStructure, type StructureCheck } from './core/integrity/check-structure.js';
export { retryDelayMs, defaultRetryPolicy, type RetryPolicy } from './core/retry-policy.js';
export { waitForTasks, type WaitOptions, type WaitOutcome } from './core/wait.js';
export { nextPollDelayMs, firstPollOffsetMs, maxStatusPolls, defaultPollPolicy, type PollPolicy } from './core/poll-policy.js';
export type { CreateVideoRequest, UploadedFile } from './api/create-body.js';
export { runCreateBatch, type CreateBatchOptions, type JobOutcome, type JobOutcomeKind, type JobDownload } from './core/create-batch.js';
export type { CreateJob } from './core/create-job.js';
export { Journal, type JournalEntry, type JournalStep, type JobRecord, type JobState } from './core/journal.js';
export type { LockOwner } from './core/output-lock.js';
export { DownloadArchive, type ArchiveEntry } from './core/archive.js';
export { TokenBucket, type RateLimiter } from './core/rate-limit.js';
export { VariantAbsentError } from './core/download-errors.js';
export { parseOutputTemplate, pathSegment, type OutputTemplate, type TemplateValues } from './core/output-template.js';

export type DownloadVideoOptions = Omit<DownloadOptions, 'client' | 'output'> &
  ClientOptions & {
    /** Where the file goes; `.part` and `.part.json` files are kept beside it until it is whole. */
    path: string;
  };

/**
 * Downloads one task's content to `path`: resumable, verified, atomic. Rejects with an
 * EzvideoError whose `exitCode` and `code` say what went wrong.
 *
 * ```ts
 * const result = await downloadVideo('vid_abc123', { apiKey, baseUrl: 'https://www.ezmodel.cloud', path: 'out.mp4' });
 * console.log(result.sha256);
 * ```
 */
export async function downloadVideo(id: string, options: DownloadVideoOptions): Promise<DownloadResult> {
  const { apiKey, baseUrl, timeouts, proxy, log, path, ...rest } = options;
  const client = new VideoApiClient({ apiKey, baseUrl, timeouts, proxy, log });
  try {
    return await downloadWithClient(id, { ...rest, client, output: { kind: 'file', path, renameByType: false } });
  } finally {
    await client.close();
  }
}

export type CreateVideoOptions = ClientOptions & {
  /** Remix this task (`POST /v1/videos/{id}/remix`) instead of making a new video. */
  remix?: string | undefined;
  /** Sent as `Idempotency-Key`, for servers that deduplicate by it; keep it to send the same create again. */
  idempotencyKey?: string | undefined;
  /** Backoff of a create that provably made nothing (refused connection, 429, 503 with Retry-After). */
  retry?: RetryPolicy | undefined;
  signal?: AbortSignal | undefined;
};

/**
 * Creates one video and resolves with its task (`id`, `status`, ...). Sent again only where the
 * request provably made nothing; a create that was sent and got no answer rejects with an
 * EzvideoError of code `uncertain` (exit code 10): a task may exist, and sending it again may
 * pay for a second one. `inputReference` is the path of an image, uploaded as a file part.
 *
 * ```ts
 * const task = await createVideo({ prompt: 'A calm sea at dawn', model: 'sora-2', seconds: '8' }, { apiKey, baseUrl });
 * ```
 */
export async function createVideo(request: Omit<CreateVideoRequest, 'inputReference'> & { inputReference?: string | undefined }, options: CreateVideoOptions): Promise<VideoTask> {
  const { apiKey, baseUrl, timeouts, proxy, log, remix, idempotencyKey, retry, signal } = options;
  const inputReference = request.inputReference === undefined ? undefined : await readInputReference(request.inputReference);
  const client = new VideoApiClient({ apiKey, baseUrl, timeouts, proxy, log });
  try {
    const attempt = await createTask(client, { ...request, inputReference }, { remixOf: remix, idempotencyKey, retry, signal });
    if (attempt.kind !== 'created') throw attempt.error;
    return attempt.task;
  } finally {
    await client.close();
  }
}
