import type { VideoTask } from '../api/video.js';
import { runPool } from '../core/limiter.js';
import { ExitCode, usageError } from '../errors.js';
import { formatBytes } from '../units.js';
import { batchError, failureJson } from './batch-outcome.js';
import type { CommandContext } from './context.js';
import { archivedIds, archivedOutcome, batchEnd, claimPaths, type DownloadOutcome, makeIdDownloader, recordResultLine, variantsOf } from './deliver.js';
import type { DownloadFlags } from './download-flags.js';
import { makeReporter } from './make-reporter.js';
import { OutputPaths } from './output-paths.js';
import { readIds } from './read-ids.js';

/** Flag combinations that cannot work, refused before any request (exit 2). */
export function checkDownloadFlags(flags: DownloadFlags, idCount: number): void {
  // Parsed here first: a template with an unknown field is refused before anything else.
  const paths = new OutputPaths(flags);
  const variantCount = variantsOf(flags).length;
  if (flags.output !== undefined && idCount > 1 && (flags.output === '-' || paths.plainOutput)) {
    throw usageError(`-o ${flags.output} names one output but ${idCount} ids were given`, 'Use --dir <dir> for several ids, or a template such as -o \'out/{id}.{ext}\'.');
  }
  if (flags.output !== undefined && flags.output !== '-' && variantCount > 1 && paths.plainOutput) {
    throw usageError(`-o ${flags.output} names one file but ${variantCount} variants were asked for`, 'Use a template such as -o \'out/{id}-{variant}.{ext}\', or --dir <dir>.');
  }
  if (flags.output !== undefined && flags.dir !== undefined) throw usageError('-o and --dir cannot be used together', 'Use -o <file> for one named file, or --dir <dir> for <id>.<ext> files in a folder.');
  if (flags.output === '-') {
    const fileOnly = (
      [
        ['--archive', flags.archive],
        ['--write-info-json', flags.writeInfoJson || undefined],
        ['--exec', flags.exec],
        ['several variants', variantCount > 1 || undefined],
      ] as const
    ).find(([, value]) => value !== undefined);
    if (fileOnly !== undefined) throw usageError(`${fileOnly[0]} needs files, and -o - writes to stdout`, 'Save to files with -o <file> or --dir <dir>.');
  }
  if (flags.sha256 !== undefined && idCount > 1) throw usageError('--sha256 checks one file; give one id with it', 'Download the others in a run of their own, or check them afterwards with sha256sum.');
  if (flags.sha256 !== undefined && variantCount > 1) throw usageError('--sha256 checks one file; give one variant with it', 'Download the other variants in a run of their own, or check them afterwards with sha256sum.');
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
 * The `--json` line of one id: the result (with several variants, its files and the variants the
 * server does not have; `archived` when the archive had it), and the exit code, message and codes
 * of its failure. Every documented field is there: one that has no value (a skipped file's
 * `sha256`) is `null`.
 */
export function outcomeJson(outcome: DownloadOutcome): string {
  const { result, error: _error, files, absent, archived, hook, ...failure } = outcome;
  const body = archived === true ? { archived: true } : files !== undefined ? { files, absent } : (result ?? {});
  const end = outcome.exitCode === 0 ? { id: outcome.id, exitCode: outcome.exitCode } : { ...failure, ...failureJson(outcome) };
  return JSON.stringify({ ...body, ...end, ...(hook === undefined ? {} : { hook }) }, (_key, value: unknown) => (value === undefined ? null : value));
}

/**
 * The statuses a template's fields need (`{model}`, `{created}`...), fetched once per id before
 * any download, so every path is known, and a collision refused, before a byte moves. An id whose
 * status cannot be read is left out: its download asks again and fails with the reason.
 */
async function statusesForPaths(ids: readonly string[], flags: DownloadFlags, context: CommandContext): Promise<Map<string, VideoTask>> {
  const tasks = new Map<string, VideoTask>();
  if (!new OutputPaths(flags).needsTask) return tasks;
  const client = context.client();
  await runPool(ids, flags.concurrency, async (id) => {
    const task = await client.getVideo(id, context.io.signal).catch((error: unknown) => {
      if (context.io.signal.aborted) throw error;
      return undefined;
    });
    if (task !== undefined) tasks.set(id, task);
  });
  return tasks;
}

/** `ezvideo download <id...>`. */
export async function runDownload(args: string[], flags: DownloadFlags, context: CommandContext): Promise<number> {
  const ids = await readIds(args, flags.input, context.io);
  checkDownloadFlags(flags, ids.length);
  // A missing key is the whole run's problem, said once, not each id's.
  context.client();
  const archived = await archivedIds(ids, flags, context);
  const todo = ids.filter((id) => !archived.has(id));
  const tasks = await statusesForPaths(todo, flags, context);
  claimPaths(ids, flags, context, { skip: archived, tasks });
  // One id's failure is said once, by the CLI's error line; a batch lists each as it happens.
  const reporter = await makeReporter(context, ids.length > 1);
  let outcomes: DownloadOutcome[];
  try {
    const download = makeIdDownloader(flags, context, reporter.event);
    outcomes = await runPool(ids, flags.output === '-' ? 1 : flags.concurrency, async (id, index) => {
      const outcome = archived.has(id) ? archivedOutcome(id) : await download(id, { task: tasks.get(id), position: index + 1, count: ids.length });
      recordResultLine(context, flags, outcomeJson(outcome));
      return outcome;
    });
  } finally {
    reporter.close();
  }
  const failure = await batchEnd(batchError(outcomes), context, flags);
  if (failure !== undefined) throw failure;
  return ExitCode.success;
}
