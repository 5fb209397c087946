import type { VideoTask } from '../api/video.js';
import type { DownloadResult, EventSink } from '../core/events.js';
import type { WaitOutcome } from '../core/wait.js';
import { waitThenDownload } from '../core/wait-then-download.js';
import { ExitCode, EzvideoError, usageError } from '../errors.js';
import { batchError, failureJson, type IdOutcome } from './batch-outcome.js';
import type { CommandContext } from './context.js';
import type { DownloadFlags } from './download-flags.js';
import { checkDownloadFlags, type DownloadOutcome, type IdDownloader } from './download.js';
import { makeReporter } from './make-reporter.js';
import { readIds } from './read-ids.js';

/** The flags of `ezvideo wait`: its own, plus every download flag for `--then-download`. */
export interface WaitFlags extends DownloadFlags {
  /** `--interval <dur>` in ms: a fixed polling pace instead of the adaptive one. */
  interval?: number | undefined;
  /** `--timeout <dur>` in ms: tasks unfinished by then end with exit code 5. */
  timeout?: number | undefined;
  thenDownload: boolean;
}

/**
 * Makes the per-id download (`makeIdDownloader` of ./download.ts). Injected rather than
 * imported, so `download --wait` can run this command without an import cycle, and tests can
 * count and delay downloads.
 */
export type IdDownloaderFactory = (flags: DownloadFlags, context: CommandContext, sink: EventSink) => IdDownloader;

/** How one id ended: its wait, then (with --then-download, once it completed) its download. */
interface IdEnd extends IdOutcome {
  wait: WaitOutcome;
  download: DownloadOutcome | undefined;
}

/**
 * Download flags only mean something with --then-download; silently ignoring them would lose a
 * file. `command` names the run in the refusal (`create` uses the same rules).
 */
export function checkWaitFlags(flags: WaitFlags, idCount: number, json: boolean, command = 'wait'): void {
  if (flags.interval !== undefined && !(flags.interval > 0)) throw usageError('--interval must be greater than zero', 'Give a duration such as 5s, or leave it out for the adaptive pace.');
  if (flags.timeout !== undefined && !(flags.timeout > 0)) throw usageError('--timeout must be greater than zero', 'Give a duration such as 30m, or leave it out to wait until the tasks end.');
  if (!flags.thenDownload) {
    const given = (
      [
        ['-o', flags.output],
        ['--dir', flags.dir],
        ['--variant', flags.variant],
        ['--sha256', flags.sha256],
        ['--max-time', flags.maxTime],
        ['--max-filesize', flags.maxFilesize],
        ['--min-filesize', flags.minFilesize],
        ['--limit-rate', flags.limitRate],
        ['--source', flags.source],
        ['--content-wait', flags.contentWait],
        ['--force', flags.force || undefined],
        ['--skip-existing', flags.skipExisting || undefined],
      ] as const
    ).filter(([, value]) => value !== undefined);
    const [first] = given;
    if (first !== undefined) throw usageError(`${first[0]} is a download flag, and this ${command} downloads nothing`, 'Add --then-download to download each task as it completes.');
    return;
  }
  checkDownloadFlags(flags, idCount);
  // stdout carries either the file's bytes or JSON lines, never both.
  if (flags.output === '-' && json) throw usageError('--json and -o - both write to stdout', 'Use one of them: the file, or the JSON lines.');
}

/** The normalised video object's fields of a `--json` line, `null` where the server gave none. */
export function taskJson(id: string, task: VideoTask | undefined): Record<string, unknown> {
  return {
    id,
    status: task?.status ?? null,
    rawStatus: task?.rawStatus ?? null,
    progress: task?.progress ?? null,
    model: task?.model ?? null,
    size: task?.size ?? null,
    seconds: task?.seconds ?? null,
    error: task?.error ?? null,
    directUrl: task?.directUrl ?? null,
  };
}

/** The `--json` line of one id: the normalised video object, how it ended, and the download result. */
function jsonLine(end: IdEnd): string {
  const result: DownloadResult | undefined = end.download?.result;
  return JSON.stringify({
    ...taskJson(end.wait.id, end.wait.task),
    exitCode: end.exitCode,
    ...(end.message === undefined ? {} : { message: end.message, ...failureJson(end) }),
    ...(result === undefined ? {} : { download: result }),
  });
}

/**
 * `ezvideo wait <id...> [--then-download]`: polls every id until it ends; with
 * --then-download each completed id is downloaded at once, at most `--concurrency` at a time,
 * while the others are still polled. Returns 0 when every id succeeded; otherwise throws the
 * failure of the first failing id in input order, as one error (see batchError). With --json,
 * one line per id as it ends.
 */
export async function runWait(args: string[], flags: WaitFlags, context: CommandContext, makeDownloader: IdDownloaderFactory): Promise<number> {
  const { io, options } = context;
  const ids = await readIds(args, flags.input, io);
  checkWaitFlags(flags, ids.length, options.json);
  const client = context.client();
  // One id's failure is said once, by the CLI's error line; a batch lists each as it ends.
  const reporter = await makeReporter(context, ids.length > 1);
  const ends = new Map<string, IdEnd>();
  const end = (entry: IdEnd): void => {
    ends.set(entry.wait.id, entry);
    if (options.json) io.stdout.write(`${jsonLine(entry)}\n`);
  };
  const fromWait = (wait: WaitOutcome): IdEnd => ({ id: wait.id, wait, download: undefined, exitCode: wait.exitCode, code: wait.code, message: wait.message, hint: wait.hint, causeCode: wait.causeCode });

  try {
    const download = flags.thenDownload ? makeDownloader(flags, context, reporter.event) : undefined;
    await waitThenDownload(ids, {
      client,
      signal: io.signal,
      intervalMs: flags.interval,
      timeoutMs: flags.timeout,
      onEvent: reporter.event,
      download,
      concurrency: flags.concurrency,
      onEnd: (wait, outcome) => end(outcome === undefined ? fromWait(wait) : { ...outcome, wait, download: outcome }),
    }).catch((error: unknown) => {
      throw flags.thenDownload ? error : asWaitInterruption(error);
    });
  } finally {
    reporter.close();
  }

  const failure = batchError(ids.map((id) => ends.get(id)).filter((entry): entry is IdEnd => entry !== undefined));
  if (failure !== undefined) throw failure;
  return ExitCode.success;
}

/** An interrupted plain wait has no partial data to speak of: the tasks go on at the server. */
function asWaitInterruption(error: unknown): unknown {
  if (!(error instanceof EzvideoError) || error.code !== 'interrupted') return error;
  return new EzvideoError('interrupted', error.message, {
    exitCode: error.exitCode,
    hint: 'The tasks go on at the server without us: run the same `ezvideo wait` again to follow them.',
  });
}
