import { createHash, type Hash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Variant, VideoApiClient } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { EzvideoError, usageError } from '../errors.js';
import { formatDuration } from '../units.js';
import { ContentReadiness } from './content-readiness.js';
import { gatewaySource, type SourceMode } from './content-source.js';
import { DirectSource } from './direct-source.js';
import { PlannedRetry, SizeLimitError } from './download-errors.js';
import { type DownloadResult, type EventSink, sayEachWarningOnce } from './events.js';
import { FileDownload } from './file-download.js';
import { servedFileAt } from './landed-file.js';
import { removeLeftoversOfLandedRun } from './output-leftovers.js';
import { acquireOutputLock, lockNeverExpires, type LockOwner } from './output-lock.js';
import type { RateLimiter } from './rate-limit.js';
import { isTransientError, type RetryPolicy } from './retry-policy.js';
import { SourcePlan } from './source-plan.js';
import { StreamDownload } from './stream-download.js';
import { TaskLookup } from './task-lookup.js';
import type { Sleep } from './time.js';
import { withRetries } from './with-retries.js';

export type OutputTarget =
  /** A file; `renameByType` lets a default `<id>.<ext>` name follow the type really sent. */
  | { kind: 'file'; path: string; renameByType: boolean }
  | { kind: 'stream'; stream: Writable };

export interface DownloadOptions {
  client: Pick<VideoApiClient, 'openContent' | 'contentUrl' | 'openLink' | 'getVideo'>;
  output: OutputTarget;
  variant?: Variant | undefined;
  /**
   * `auto` (default): the gateway's `/content`, switching once to the status object's direct
   * link when the gateway cannot finish; `gateway`: `/content` only; `direct`: the link only.
   */
  source?: SourceMode | undefined;
  /**
   * The task's status when the caller already has it (after waiting for it): it is then known to
   * be completed, and its direct link needs no status call.
   */
  task?: VideoTask | undefined;
  /** How long `/content` may still answer "not ready" once the status said completed (default 60s). */
  contentWaitMs?: number | undefined;
  /**
   * What to do when the output file already exists. `adopt`: it may be the file an earlier run
   * of the same job landed before it could record it; kept, with nothing fetched, when it is the
   * server's (`servedFileAt`: its size and structure), refused as with `refuse` otherwise.
   */
  existing?: 'refuse' | 'overwrite' | 'skip' | 'adopt' | undefined;
  /**
   * Refuse an answer whose type is not the variant's (VariantAbsentError, not retried) instead of
   * saving it with a warning; for a run that asks for several variants (default false).
   */
  variantMustMatch?: boolean | undefined;
  /** The structure check before landing (default on). */
  verify?: boolean | undefined;
  /** Checked against the file's sha256 before it lands (which turns `hash` on). */
  expectedSha256?: string | undefined;
  /**
   * Compute the sha256 of the bytes (default false): the result's `sha256` is undefined without
   * it, and nothing is hashed. Hashing costs about half a second of CPU per GiB, so it is done
   * only when something uses the hash (`--json`, `--sha256`). Turned on by `expectedSha256`.
   */
  hash?: boolean | undefined;
  /** Makes the sha256 when hashing (default: node:crypto's); another implementation, or a counter. */
  createHash?: (() => Hash) | undefined;
  /**
   * Connections for one file (default 1). More are used only once the server proved it honours
   * ranges; any sign that it does not goes back to one.
   */
  connections?: number | undefined;
  /**
   * Refuse a file bigger than this: before the transfer when the answer announces the size,
   * else as soon as the bytes would pass it. Refused files are not retried and leave nothing.
   */
  maxBytes?: number | undefined;
  /** Refuse a file smaller than this (an error page served as the file): before or after the transfer. */
  minBytes?: number | undefined;
  /**
   * Paces the reading of the body. Pass the same limiter to every download that must share the
   * rate (a TokenBucket from rate-limit.ts): `ezvideo` makes one per run.
   */
  rateLimit?: RateLimiter | undefined;
  retry?: RetryPolicy | undefined;
  /** The whole download's time budget. */
  maxTimeMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Stale-lock recovery needs to know which processes are alive; without it locks never expire. */
  lockOwner?: LockOwner | undefined;
  onEvent?: EventSink | undefined;
  now?: (() => number) | undefined;
  sleep?: Sleep | undefined;
  random?: (() => number) | undefined;
}

const sha256 = (): Hash => createHash('sha256');

/** Attempts that moved the file forward are free, but not without end (a server that trickles). */
const maxFreeAttempts = 100;

export const defaultContentWaitMs = 60_000;

async function existingSize(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw usageError(`${path} is a folder, not a file`, 'Give a file name with -o, or use --dir <dir> to put files in a folder.');
    return stats.size;
  } catch (error) {
    if (error instanceof EzvideoError) throw error;
    return undefined;
  }
}

/** A signal that also fires when the --max-time budget runs out, with an error that says so. */
function budgetSignal(signal: AbortSignal | undefined, maxTimeMs: number | undefined, id: string): { signal: AbortSignal | undefined; dispose: () => void } {
  if (maxTimeMs === undefined) return { signal, dispose: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new EzvideoError('network', `${id}: gave up after --max-time ${formatDuration(maxTimeMs)}`, {
      hint: 'Partial data is kept: run the same command again to resume, or raise --max-time.',
    }));
  }, maxTimeMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Downloads one task's content: the library's entry and the engine behind `ezvideo download`.
 * Retries transient failures with backoff (Retry-After honoured), resumes where the server
 * allows, and lands a file only when it is whole. Emits events; never prints.
 */
export async function downloadVideo(id: string, options: DownloadOptions): Promise<DownloadResult> {
  const now = options.now ?? Date.now;
  const emit = sayEachWarningOnce(options.onEvent ?? (() => {}));
  const started = now();
  const { output } = options;
  const lockOwner = options.lockOwner ?? lockNeverExpires;
  const existing = options.existing ?? 'refuse';
  // One switch for every hash of this download, the adopted file's included: only when asked.
  const hasher = options.hash === true || options.expectedSha256 !== undefined ? (options.createHash ?? sha256) : undefined;
  if (output.kind === 'file') {
    const size = await existingSize(output.path);
    if (size !== undefined) await removeLeftoversOfLandedRun(output.path, lockOwner);
    if (size !== undefined && existing === 'skip') {
      emit({ type: 'download-done', id, path: output.path, bytes: size, skipped: true });
      return { id, path: output.path, bytes: size, contentType: undefined, sha256: undefined, attempts: 0, resumed: false, source: undefined, url: undefined, skipped: true, elapsedMs: 0, verified: 'unchecked' };
    }
    const served = size !== undefined && existing === 'adopt' ? await servedFileAt(options.client, id, output.path, size, { ...options, createHash: hasher }) : undefined;
    if (served !== undefined) {
      emit({ type: 'download-done', id, path: output.path, bytes: served.bytes, skipped: true });
      return { id, path: output.path, ...served, attempts: 0, resumed: false, source: undefined, url: undefined, skipped: true, elapsedMs: now() - started };
    }
    if (size !== undefined && existing !== 'overwrite') {
      throw usageError(`${output.path} already exists`, 'Use --force to replace it, or --skip-existing to keep it.');
    }
  }
  const { client, variant } = options;
  const budget = budgetSignal(options.signal, options.maxTimeMs, id);
  const warn = (message: string): void => emit({ type: 'download-warning', id, message });
  const lookup = new TaskLookup(client, id, options.task, budget.signal);
  const sizeLimits = { maxBytes: options.maxBytes, minBytes: options.minBytes };
  const readiness = new ContentReadiness({ id, lookup, windowMs: options.contentWaitMs ?? defaultContentWaitMs, now, warn });
  let download: FileDownload | StreamDownload | undefined;
  let release = async (): Promise<void> => {};
  try {
    // Inside the try: a busy output or a task without a link must still clear the --max-time timer.
    const plan = new SourcePlan({
      id,
      mode: options.source ?? 'auto',
      variant,
      lookup,
      readiness,
      direct: (task) => new DirectSource({ client, id, task, freshTask: () => lookup.fresh(), now, onRefresh: warn }),
      warn,
    });
    const first = await plan.first(gatewaySource(client, id, variant));
    download =
      output.kind === 'file'
        ? new FileDownload({
            source: first,
            id,
            variant,
            path: output.path,
            renameByType: output.renameByType,
            // A file found under the renamed name is not looked at: nothing proves whose it is.
            existing: existing === 'adopt' ? 'refuse' : existing,
            verify: options.verify ?? true,
            expectedSha256: options.expectedSha256,
            connections: options.connections ?? 1,
            createHash: hasher,
            variantMustMatch: options.variantMustMatch ?? false,
            sizeLimits,
            rateLimit: options.rateLimit,
            signal: budget.signal,
            emit,
            now,
          })
        : new StreamDownload({ source: first, id, stream: output.stream, signal: budget.signal, emit, now, createHash: hasher, sizeLimits, rateLimit: options.rateLimit });
    const engine = download;
    if (engine instanceof FileDownload) {
      release = await acquireOutputLock(`${engine.partPath}.lock`, engine.path, lockOwner);
      await plan.open(engine);
    }
    const result = await withRetries(
      async () => {
        try {
          return await engine.attempt();
        } catch (error) {
          throw await plan.recover(engine, error);
        }
      },
      {
        policy: options.retry,
        signal: budget.signal,
        sleep: options.sleep,
        random: options.random,
        now,
        maxTimeMs: options.maxTimeMs,
        // A size refusal is `integrity`, which is not transient anyway; said here by its class as
        // well, since a retry would only fetch the same size again, so that it never rests on a code.
        isRetryable: (error) => !(error instanceof SizeLimitError) && isTransientError(error),
        consumesRetry: (error) => !(error instanceof PlannedRetry) && (!engine.lastAttemptAdvanced || engine.attempts > maxFreeAttempts),
        onRetry: ({ failedAttempt, delayMs, error }) => {
          // Planned retries were announced by their own warning; they are not failures.
          if (!(error instanceof PlannedRetry)) {
            emit({ type: 'download-retry', id, attempt: failedAttempt, delayMs, reason: error instanceof Error ? error.message : String(error) });
          }
        },
      },
    );
    return { ...result, elapsedMs: now() - started };
  } catch (error) {
    const unplanned = error instanceof PlannedRetry ? error.cause : error;
    const final = budget.signal?.aborted === true ? budget.signal.reason : download instanceof FileDownload ? download.finalError(unplanned) : unplanned;
    // An interruption is not this download failing: the reporter says where it stopped, and
    // the command ends with one `interrupted` error for all.
    if (options.signal?.aborted === true) throw final;
    emit({
      type: 'download-failed',
      id,
      message: final instanceof Error ? final.message : String(final),
      exitCode: final instanceof EzvideoError ? final.exitCode : 1,
    });
    throw final;
  } finally {
    budget.dispose();
    if (download instanceof FileDownload) await download.dispose();
    await release();
  }
}

