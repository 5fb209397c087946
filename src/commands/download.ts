import { join } from 'node:path';
import type { Variant } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { downloadVideo, type OutputTarget } from '../core/download.js';
import type { DownloadResult, EventSink } from '../core/events.js';
import { runPool } from '../core/limiter.js';
import { makeOutputDir } from '../core/output-dir.js';
import { type RateLimiter, TokenBucket } from '../core/rate-limit.js';
import { defaultRetryPolicy } from '../core/retry-policy.js';
import { ExitCode, usageError } from '../errors.js';
import { formatBytes } from '../units.js';
import { batchError, failedOutcome, failureJson, type IdOutcome } from './batch-outcome.js';
import type { CommandContext, GlobalOptions } from './context.js';
import type { DownloadFlags } from './download-flags.js';
import { makeReporter } from './make-reporter.js';
import { readIds } from './read-ids.js';

export type DownloadOutcome = IdOutcome & { result?: DownloadResult | undefined };

const variantExtensions: Record<Variant, string> = { video: '.mp4', thumbnail: '.webp', spritesheet: '.jpg' };

/** Flag combinations that cannot work, refused before any request (exit 2). */
export function checkDownloadFlags(flags: DownloadFlags, idCount: number): void {
  if (flags.output !== undefined && idCount > 1) {
    throw usageError(`-o ${flags.output} names one output but ${idCount} ids were given`, 'Use --dir <dir> for several ids.');
  }
  if (flags.output !== undefined && flags.dir !== undefined) throw usageError('-o and --dir cannot be used together', 'Use -o <file> for one named file, or --dir <dir> for <id>.<ext> files in a folder.');
  if (flags.sha256 !== undefined && idCount > 1) throw usageError('--sha256 checks one file; give one id with it', 'Download the others in a run of their own, or check them afterwards with sha256sum.');
  if (flags.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(flags.sha256)) {
    throw usageError(`--sha256 ${flags.sha256} is not a sha256 (64 hex digits)`, 'Give the 64 hex digits that `sha256sum <file>` prints.');
  }
  if (flags.minFilesize !== undefined && flags.maxFilesize !== undefined && flags.minFilesize > flags.maxFilesize) {
    throw usageError(`--min-filesize (${formatBytes(flags.minFilesize)}) is more than --max-filesize (${formatBytes(flags.maxFilesize)}): no file can pass both`, 'Give a --min-filesize no bigger than --max-filesize.');
  }
  if (flags.force && flags.skipExisting) {
    throw usageError('--force and --skip-existing cannot be used together', 'Use one: --force replaces an existing file, --skip-existing keeps it.');
  }
}

/**
 * With `-o -`, a reader that closed stdout early (`| head -c 100`, `| ffprobe -`) took what it
 * wanted: not a failure of the download. It ends with 0 however much of the stream was taken,
 * which is also all a small file can do: it fits in the pipe before the reader closes.
 */
function readerClosed(causeCode: string | undefined): boolean {
  return causeCode === 'EPIPE' || causeCode === 'ERR_STREAM_DESTROYED';
}

function outputFor(id: string, flags: DownloadFlags, context: CommandContext): OutputTarget {
  if (flags.output === '-') return { kind: 'stream', stream: context.io.stdout };
  if (flags.output !== undefined) return { kind: 'file', path: flags.output, renameByType: false };
  const name = `${id}${variantExtensions[flags.variant ?? 'video']}`;
  return { kind: 'file', path: flags.dir === undefined ? name : join(flags.dir, name), renameByType: true };
}

/**
 * One id's download. `mayHaveLanded`: an earlier run may have landed this very file and been
 * killed before recording it (create's journal says so): an existing output that is the
 * server's file is kept instead of refused.
 */
export type IdDownloader = (id: string, task?: VideoTask, mayHaveLanded?: boolean) => Promise<DownloadOutcome>;

/**
 * Whether the downloads compute a sha256: only when something uses it. `--json` reports it and
 * `--sha256` checks it; a plain download checks length and structure and hashes nothing, as the
 * hash costs about half a second of CPU per GiB. Every later user of the hash turns it on here.
 */
function sha256Wanted(flags: DownloadFlags, options: Pick<GlobalOptions, 'json'>): boolean {
  return options.json || flags.sha256 !== undefined;
}

/**
 * `--limit-rate` is one limit for the whole run: every downloader made in one command (`create`
 * makes one per output) takes from the same bucket, so it is kept per command context, which
 * lives exactly as long as the run.
 */
const rateLimits = new WeakMap<CommandContext, RateLimiter>();

function runRateLimit(flags: DownloadFlags, context: CommandContext): RateLimiter | undefined {
  if (flags.limitRate === undefined) return undefined;
  let limiter = rateLimits.get(context);
  if (limiter === undefined) {
    limiter = new TokenBucket(flags.limitRate);
    rateLimits.set(context, limiter);
  }
  return limiter;
}

/**
 * The per-id download used by `download` and by `wait --then-download`: never throws for an
 * expected failure, so one bad id does not stop a batch (a bug still propagates).
 */
export function makeIdDownloader(flags: DownloadFlags, context: CommandContext, sink: EventSink): IdDownloader {
  let madeDir: Promise<void> | undefined;
  const rateLimit = runRateLimit(flags, context);
  return async (id, task, mayHaveLanded = false) => {
    // A failure before the engine ran (the --dir, an existing output) has no event of its own:
    // it gets one here, so that a batch names every id that failed.
    let failureSaid = false;
    const onEvent: EventSink = (event) => {
      if (event.type === 'download-failed') failureSaid = true;
      sink(event);
    };
    try {
      if (flags.dir !== undefined) {
        madeDir ??= makeOutputDir(flags.dir);
        await madeDir;
      }
      const result = await downloadVideo(id, {
        client: context.client(),
        output: outputFor(id, flags, context),
        variant: flags.variant,
        source: flags.source ?? (await context.source()),
        task,
        contentWaitMs: flags.contentWait,
        existing: flags.force ? 'overwrite' : flags.skipExisting ? 'skip' : mayHaveLanded ? 'adopt' : 'refuse',
        verify: flags.verify,
        expectedSha256: flags.sha256,
        hash: sha256Wanted(flags, context.options),
        connections: flags.connections,
        maxBytes: flags.maxFilesize,
        minBytes: flags.minFilesize,
        rateLimit,
        retry: { ...defaultRetryPolicy, retries: flags.retries },
        maxTimeMs: flags.maxTime,
        signal: context.io.signal,
        lockOwner: context.io.lockOwner,
        onEvent,
      });
      return { id, exitCode: ExitCode.success, result };
    } catch (error) {
      if (context.io.signal.aborted) throw context.io.signal.reason;
      const outcome = failedOutcome(id, error);
      if (flags.output === '-' && readerClosed(outcome.causeCode)) return { id, exitCode: ExitCode.success };
      if (!failureSaid) sink({ type: 'download-failed', id, message: outcome.error.message, exitCode: outcome.exitCode });
      return outcome;
    }
  };
}

/**
 * The `--json` line of one id: the result, or the exit code, message and codes of its failure.
 * Every documented field is there: one that has no value (a skipped file's `sha256`) is `null`.
 */
export function outcomeJson(outcome: DownloadOutcome): string {
  const { result, error: _error, ...rest } = outcome;
  const line = result === undefined ? { ...rest, ...failureJson(outcome) } : { ...result, exitCode: outcome.exitCode };
  return JSON.stringify(line, (_key, value: unknown) => (value === undefined ? null : value));
}

/** `ezvideo download <id...>`. */
export async function runDownload(args: string[], flags: DownloadFlags, context: CommandContext): Promise<number> {
  const ids = await readIds(args, flags.input, context.io);
  checkDownloadFlags(flags, ids.length);
  // A missing key is the whole run's problem, said once, not each id's.
  context.client();
  // One id's failure is said once, by the CLI's error line; a batch lists each as it happens.
  const reporter = await makeReporter(context, ids.length > 1);
  try {
    const download = makeIdDownloader(flags, context, reporter.event);
    const outcomes = await runPool(ids, flags.output === '-' ? 1 : flags.concurrency, async (id) => {
      const outcome = await download(id);
      if (context.options.json) context.io.stdout.write(`${outcomeJson(outcome)}\n`);
      return outcome;
    });
    const failure = batchError(outcomes);
    if (failure !== undefined) throw failure;
    return ExitCode.success;
  } finally {
    reporter.close();
  }
}
