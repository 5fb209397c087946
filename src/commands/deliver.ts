import type { Variant } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { type ArchiveEntry, DownloadArchive } from '../core/archive.js';
import { downloadVideo, type OutputTarget } from '../core/download.js';
import { VariantAbsentError } from '../core/download-errors.js';
import type { DownloadResult, EventSink } from '../core/events.js';
import { infoJsonOf, writeInfoJson } from '../core/info-json.js';
import { defaultRetryPolicy } from '../core/retry-policy.js';
import { makeOutputDir } from '../core/output-dir.js';
import { type RateLimiter, TokenBucket } from '../core/rate-limit.js';
import { ExitCode, EzvideoError } from '../errors.js';
import { absentVariantsText, archivedLine, warningLine } from '../ui/messages.js';
import { commandChalk } from './make-reporter.js';
import { failedOutcome, type IdOutcome } from './batch-outcome.js';
import type { CommandContext, GlobalOptions } from './context.js';
import type { DownloadFlags } from './download-flags.js';
import { hookError, type HookRun, runBatchHook, runFileHook } from './hook.js';
import { type FileSlot, OutputPaths, PathClaims, slotName } from './output-paths.js';

/** One file of an id: the download's result and which variant it is. */
export type VariantResult = DownloadResult & { variant: Variant };

export interface DownloadOutcome extends IdOutcome {
  /** The result of a run that asked for one variant. */
  result?: VariantResult | undefined;
  /** With several variants: each file saved, and the variants the server turned out not to have. */
  files?: VariantResult[] | undefined;
  absent?: Variant[] | undefined;
  /** Every file asked for was in the archive: nothing was requested. */
  archived?: boolean | undefined;
  /** The `--exec` hook that failed on a file that landed (the file stays). */
  hook?: HookRun | undefined;
}

/** Where an id stands in its batch, and what is already known of it. */
export interface DownloadAt {
  /** The task's status when the caller has it (after a wait): known completed, no status call needed. */
  task?: VideoTask | undefined;
  /**
   * An earlier run may have landed this very file and been killed before recording it (create's
   * journal says so): an existing output that is the server's file is kept instead of refused.
   */
  mayHaveLanded?: boolean | undefined;
  /** 1-based position in the input and the input's length, for `{index}` (default 1 of 1). */
  position?: number | undefined;
  count?: number | undefined;
}

export type IdDownloader = (id: string, at?: DownloadAt) => Promise<DownloadOutcome>;

/** The variants a run asks for: `--variant` (a list, or `all`), else the video alone. */
export function variantsOf(flags: Pick<DownloadFlags, 'variant'>): Variant[] {
  return flags.variant ?? ['video'];
}

/**
 * What one command's downloads share, kept per command context, which lives exactly as long as
 * the run: the archive, the paths claimed, the lines for `--exec-after`, and the `--limit-rate`
 * bucket, one for the whole run (every downloader made in one command takes from it; `create`
 * makes one per output).
 */
interface Batch {
  archive: Promise<DownloadArchive | undefined> | undefined;
  claims: PathClaims;
  resultLines: string[];
  rateLimit: RateLimiter | undefined;
}

const batches = new WeakMap<CommandContext, Batch>();

function batchOf(context: CommandContext): Batch {
  let batch = batches.get(context);
  if (batch === undefined) {
    batch = { archive: undefined, claims: new PathClaims(), resultLines: [], rateLimit: undefined };
    batches.set(context, batch);
  }
  return batch;
}

/**
 * The archive of this run: `--archive`, else the stored or env setting; never with `-o -`, whose
 * bytes land nowhere to record (an explicit `--archive` with it is refused by checkDownloadFlags).
 */
function archiveOf(flags: DownloadFlags, context: CommandContext): Promise<DownloadArchive | undefined> {
  const batch = batchOf(context);
  batch.archive ??= (async () => {
    const path = flags.archive ?? (await context.archive());
    return path === undefined || flags.output === '-' ? undefined : DownloadArchive.open(path);
  })();
  return batch.archive;
}

/**
 * The ids of a batch whose every file asked for is in the archive: skipped before any request,
 * and said in one line for all of them (unless --quiet), not one per id.
 */
export async function archivedIds(ids: readonly string[], flags: DownloadFlags, context: CommandContext): Promise<Set<string>> {
  const archive = await archiveOf(flags, context);
  if (archive === undefined) return new Set();
  const variants = variantsOf(flags);
  const archived = new Set(ids.filter((id) => variants.every((variant) => archive.has(id, variant))));
  if (archived.size > 0 && !context.options.quiet) context.io.stderr.write(`${archivedLine(archived.size, ids.length, archive.path)}\n`);
  return archived;
}

/**
 * The download's part of a `wait` or `create` line: `download` (one variant), or `downloads` and
 * `absent` (several), `archived` when the archive had it, and the failed hook.
 */
export function downloadJson(outcome: DownloadOutcome): Record<string, unknown> {
  return {
    ...(outcome.archived === true ? { archived: true } : {}),
    ...(outcome.result === undefined ? {} : { download: outcome.result }),
    ...(outcome.files === undefined ? {} : { downloads: outcome.files, absent: outcome.absent }),
    ...(outcome.hook === undefined ? {} : { hook: outcome.hook }),
  };
}

/** The outcome of an id the archive had. */
export function archivedOutcome(id: string): DownloadOutcome {
  return { id, exitCode: ExitCode.success, archived: true };
}

/**
 * Every `--json` result line of the run goes through here: to stdout with `--json`, and kept for
 * `--exec-after`, whose stdin they are (with or without `--json`).
 */
export function recordResultLine(context: CommandContext, flags: Pick<DownloadFlags, 'execAfter'>, line: string): void {
  if (context.options.json) context.io.stdout.write(`${line}\n`);
  if (flags.execAfter !== undefined) batchOf(context).resultLines.push(line);
}

/**
 * The end of a command's downloads: the archive is closed, and `--exec-after` runs with the
 * result lines on its stdin. Returns what the command ends with: the batch's own failure first
 * (a failed `--exec-after` beside it is said as a warning), else the hook's.
 */
export async function batchEnd(failure: EzvideoError | undefined, context: CommandContext, flags: Pick<DownloadFlags, 'execAfter'>): Promise<EzvideoError | undefined> {
  const batch = batches.get(context);
  await (await batch?.archive?.catch(() => undefined))?.close();
  if (flags.execAfter === undefined) return failure;
  const lines = batch?.resultLines ?? [];
  const run = await runBatchHook(flags.execAfter, lines.map((line) => `${line}\n`).join(''), hookOptions(context));
  if (run.status === 0) return failure;
  const hookFailure = hookError(run, 'the batch');
  if (failure === undefined) return hookFailure;
  context.io.stderr.write(`${warningLine(commandChalk(context), hookFailure.message)}\n`);
  return failure;
}

/** Where one file goes, claimed for it: a path another file of the run holds is refused (PathClaims). */
function claimSlot(slot: FileSlot, paths: OutputPaths, claims: PathClaims, context: CommandContext, severalVariants: boolean): OutputTarget {
  const output = paths.target(slot, context.io);
  if (output.kind === 'file') claims.claim(output.path, slotName(slot, severalVariants));
  return output;
}

/**
 * Claims every file's path before any download, so that a collision is refused (exit 2, both
 * named) before a byte moves. `tasks`: the statuses a template's fields need; an id without one
 * is claimed when its download starts.
 */
export function claimPaths(ids: readonly string[], flags: DownloadFlags, context: CommandContext, known: { skip?: ReadonlySet<string>; tasks?: ReadonlyMap<string, VideoTask> } = {}): void {
  const paths = new OutputPaths(flags);
  const variants = variantsOf(flags);
  const { claims } = batchOf(context);
  ids.forEach((id, index) => {
    const task = known.tasks?.get(id);
    if (known.skip?.has(id) === true || (paths.needsTask && task === undefined)) return;
    for (const variant of variants) claimSlot({ id, variant, position: index + 1, count: ids.length, task }, paths, claims, context, variants.length > 1);
  });
}

function hookOptions(context: CommandContext) {
  return { env: context.io.env, stderr: context.io.stderr, signal: context.io.signal };
}

/**
 * Whether the downloads compute a sha256: only when something uses it. `--json` reports it,
 * `--sha256` checks it, the archive, `--write-info-json` and `--exec` record or pass it on; a
 * plain download checks length and structure and hashes nothing, as the hash costs about half a
 * second of CPU per GiB.
 */
function sha256Wanted(flags: DownloadFlags, options: Pick<GlobalOptions, 'json'>, archive: DownloadArchive | undefined): boolean {
  return options.json || flags.sha256 !== undefined || archive !== undefined || flags.writeInfoJson || flags.exec !== undefined;
}

/**
 * The per-id download used by `download`, `wait --then-download` and `create`: each variant
 * asked for and not archived goes to its path, lands, gets its info record, its archive line and
 * its hook, in that order. Never throws for an expected failure, so one bad id does not stop a
 * batch (a bug still propagates).
 */
export function makeIdDownloader(flags: DownloadFlags, context: CommandContext, sink: EventSink): IdDownloader {
  const batch = batchOf(context);
  if (flags.limitRate !== undefined) batch.rateLimit ??= new TokenBucket(flags.limitRate);
  const { rateLimit } = batch;
  const paths = new OutputPaths(flags);
  const variants = variantsOf(flags);
  const several = variants.length > 1;
  const madeDirs = new Map<string, Promise<void>>();
  const makeDir = (dir: string): Promise<void> => {
    let made = madeDirs.get(dir);
    if (made === undefined) {
      made = makeOutputDir(dir);
      madeDirs.set(dir, made);
    }
    return made;
  };

  return async (id, at = {}) => {
    // A failure before the engine ran (the folder, an existing output) has no event of its own:
    // it gets one here, so that a batch names every id that failed.
    let failureSaid = false;
    const onEvent: EventSink = (event) => {
      if (event.type === 'download-failed') failureSaid = true;
      sink(event);
    };
    const files: VariantResult[] = [];
    const absent: VariantAbsentError[] = [];
    // The first hook that failed: the id's other variants still land and run theirs.
    let failedHook: HookRun | undefined;
    try {
      const archive = await archiveOf(flags, context);
      const wanted = variants.filter((variant) => archive?.has(id, variant) !== true);
      if (wanted.length === 0) return archivedOutcome(id);
      const needsTask = paths.needsTask || flags.writeInfoJson;
      const task = at.task ?? (needsTask ? await context.client().getVideo(id, context.io.signal) : undefined);
      for (const variant of wanted) {
        const output = claimSlot({ id, variant, position: at.position ?? 1, count: at.count ?? 1, task }, paths, batch.claims, context, several);
        const folder = paths.folderToMake(output);
        if (folder !== undefined) await makeDir(folder);
        let result: DownloadResult;
        try {
          result = await downloadVideo(id, {
            client: context.client(),
            output,
            variant: flags.variant === undefined ? undefined : variant,
            variantMustMatch: several,
            source: flags.source ?? (await context.source()),
            task,
            contentWaitMs: flags.contentWait,
            existing: flags.force ? 'overwrite' : flags.skipExisting ? 'skip' : at.mayHaveLanded === true ? 'adopt' : 'refuse',
            verify: flags.verify,
            expectedSha256: flags.sha256,
            hash: sha256Wanted(flags, context.options, archive),
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
        } catch (error) {
          if (!(several && error instanceof VariantAbsentError)) throw error;
          absent.push(error);
          continue;
        }
        const file: VariantResult = { ...result, variant };
        files.push(file);
        failedHook ??= await afterLanding(file, task, flags, context, archive);
      }
      if (absent.length > 0) {
        onEvent({ type: 'download-warning', id, message: absentVariantsText(absent.map((error) => error.variant), absent.map((error) => error.sentType)) });
      }
      if (failedHook === undefined) return { id, exitCode: ExitCode.success, ...filesOf(files, absent, several) };
      const failure = hookFailure(id, failedHook);
      sink({ type: 'download-failed', id, message: failure.message ?? '', exitCode: failure.exitCode, afterLanding: true });
      return { ...failure, ...filesOf(files, absent, several) };
    } catch (error) {
      if (context.io.signal.aborted) throw context.io.signal.reason;
      const outcome = failedOutcome(id, error);
      if (flags.output === '-' && readerClosed(outcome.causeCode)) return { id, exitCode: ExitCode.success };
      if (!failureSaid) sink({ type: 'download-failed', id, message: outcome.error.message, exitCode: outcome.exitCode });
      return { ...outcome, ...filesOf(files, absent, several) };
    }
  };
}

function filesOf(files: VariantResult[], absent: VariantAbsentError[], several: boolean): Pick<DownloadOutcome, 'result' | 'files' | 'absent'> {
  if (!several) return { result: files[0] };
  return { files, absent: absent.map((error) => error.variant) };
}

/**
 * What follows a file that is there: its info record, its hook, then its archive line. The line
 * comes last because it is what makes a re-run skip the file: a file whose hook failed is not
 * recorded, so the same command with `--skip-existing` runs the hook again on the file already
 * there, without downloading it. A file kept by `--skip-existing` gets the hook but neither a
 * record nor a line: nothing says it is the server's file (it may be anyone's), and a line would
 * make every later run skip the id for good. Returns the hook's run when it failed.
 */
async function afterLanding(file: VariantResult, task: VideoTask | undefined, flags: DownloadFlags, context: CommandContext, archive: DownloadArchive | undefined): Promise<HookRun | undefined> {
  if (file.path === '-') return undefined;
  const kept = file.skipped && flags.skipExisting;
  const secrets = context.settings.apiKey === undefined ? [] : [context.settings.apiKey];
  if (flags.writeInfoJson && !kept) await writeInfoJson(infoJsonOf(file, file.variant, task, Date.now(), secrets));
  if (flags.exec !== undefined) {
    const run = await runFileHook(flags.exec, { path: file.path, id: file.id, variant: file.variant, sha256: file.sha256, contentType: file.contentType }, hookOptions(context));
    if (run.status !== 0) return run;
  }
  if (archive !== undefined && !kept) await archive.append(archiveEntryOf(file));
  return undefined;
}

function archiveEntryOf(file: VariantResult): ArchiveEntry {
  return { id: file.id, variant: file.variant, path: file.path, bytes: file.bytes, sha256: file.sha256, time: new Date().toISOString() };
}

function hookFailure(id: string, hook: HookRun): DownloadOutcome {
  const error = hookError(hook, id);
  return { id, exitCode: error.exitCode, code: error.code, message: error.message, hint: error.hint, error, hook };
}

/**
 * With `-o -`, a reader that closed stdout early (`| head -c 100`, `| ffprobe -`) took what it
 * wanted: not a failure of the download. It ends with 0 however much of the stream was taken,
 * which is also all a small file can do: it fits in the pipe before the reader closes.
 */
function readerClosed(causeCode: string | undefined): boolean {
  return causeCode === 'EPIPE' || causeCode === 'ERR_STREAM_DESTROYED';
}
