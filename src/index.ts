/**
 * The library API: the same engines the CLI uses, for programs. Nothing here prints or reads
 * `process`; progress comes back as events through `onEvent`.
 */
import { type ClientOptions, VideoApiClient } from './api/client.js';
import { type DownloadOptions, downloadVideo as downloadWithClient } from './core/download.js';
import type { DownloadResult } from './core/events.js';

export { VideoApiClient, type ClientOptions, type Variant } from './api/client.js';
export { defaultBaseUrl } from './api/base-url.js';
export type { Timeouts, ProxySettings } from './api/transport.js';
export type { VideoTask, NormalizedStatus } from './api/video.js';
export { normalizeStatus, normalizeProgress, isTerminalStatus } from './api/status.js';
export { parseErrorBody, type ServerError } from './api/error-body.js';
export { EzvideoError, HttpError, ExitCode, type ErrorCode } from './errors.js';
export type { DownloadOptions, OutputTarget } from './core/download.js';
export type { SourceKind, SourceMode } from './core/content-source.js';
export type { DownloadResult, DownloadEvent, WaitEvent, EngineEvent, EventSink } from './core/events.js';
export { probeContent, type ContentInfo, type RangeSupport } from './core/probe-content.js';
export { checkFileStructure, type StructureCheck } from './core/integrity/check-structure.js';
export { retryDelayMs, defaultRetryPolicy, type RetryPolicy } from './core/retry-policy.js';
export { waitForTasks, type WaitOptions, type WaitOutcome } from './core/wait.js';
export { nextPollDelayMs, firstPollOffsetMs, maxStatusPolls, defaultPollPolicy, type PollPolicy } from './core/poll-policy.js';

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
