import type { VideoTask } from '../api/video.js';
import type { EventSink } from '../core/events.js';
import type { WaitOutcome } from '../core/wait.js';
import { waitThenDownload } from '../core/wait-then-download.js';
import { ExitCode, EzvideoError, usageError } from '../errors.js';
import { batchError, failureJson, type IdOutcome } from './batch-outcome.js';
import type { CommandContext } from './context.js';
import type { DownloadFlags } from './download-flags.js';
import { archivedIds, archivedOutcome, batchEnd, claimPaths, downloadJson, type DownloadOutcome, type IdDownloader, recordResultLine } from './deliver.js';
import { checkDownloadFlags } from './download.js';
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
        ['--archive', flags.archive],
        ['--write-info-json', flags.writeInfoJson || undefined],
        ['--exec', flags.exec],
        ['--exec-after', flags.execAfter],
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

/** The `--json` line of one id: the normalised video object, how it ended, and the download's result. */
function jsonLine(end: IdEnd): string {
  return JSON.stringify({
    ...taskJson(end.wait.id, end.wait.task),
    exitCode: end.exitCode,
    ...(end.message === undefined ? {} : { message: end.message, ...failureJson(end) }),
    ...(end.download === undefined ? {} : downloadJson(end.download)),
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
  // The ids whose files the archive has are neither polled nor downloaded.
  const archived = flags.thenDownload ? await archivedIds(ids, flags, context) : new Set<string>();
  // Paths that need the task are claimed as each task completes; the others now, before any request.
  if (flags.thenDownload) claimPaths(ids, flags, context, { skip: archived });
  // One id's failure is said once, by the CLI's error line; a batch lists each as it ends.
  const reporter = await makeReporter(context, ids.length > 1);
  const ends = new Map<string, IdEnd>();
  const end = (entry: IdEnd): void => {
    ends.set(entry.wait.id, entry);
    recordResultLine(context, flags, jsonLine(entry));
  };
  const fromWait = (wait: WaitOutcome): IdEnd => ({ id: wait.id, wait, download: undefined, exitCode: wait.exitCode, code: wait.code, message: wait.message, hint: wait.hint, causeCode: wait.causeCode });

  for (const id of archived) {
    const wait: WaitOutcome = { id, task: undefined, exitCode: ExitCode.success, code: undefined, message: undefined, hint: undefined, causeCode: undefined };
    end({ id, wait, download: archivedOutcome(id), exitCode: ExitCode.success });
  }
  const waited = ids.filter((id) => !archived.has(id));
  try {
    const downloader = flags.thenDownload ? makeDownloader(flags, context, reporter.event) : undefined;
    const download = downloader === undefined ? undefined : (id: string, task: WaitOutcome['task']) => downloader(id, { task, position: ids.indexOf(id) + 1, count: ids.length });
    await waitThenDownload(waited, {
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

  const failure = await batchEnd(batchError(ids.map((id) => ends.get(id)).filter((entry): entry is IdEnd => entry !== undefined)), context, flags);
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
