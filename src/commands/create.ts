import { dirname, relative, resolve } from 'node:path';
import { validateTaskId } from '../api/task-id.js';
import { runCreateBatch, type JobOutcome } from '../core/create-batch.js';
import type { CreateEvent } from '../core/events.js';
import type { CreateJob } from '../core/create-job.js';
import { cannotReadError } from '../core/download-errors.js';
import { Journal } from '../core/journal.js';
import { makeOutputDir } from '../core/output-dir.js';
import { defaultRetryPolicy } from '../core/retry-policy.js';
import { EzvideoError, ExitCode, usageError } from '../errors.js';
import { createDoneLine, createFailedLine, createRetryLine, createSummaryLine } from '../ui/create-text.js';
import { idLine } from '../ui/messages.js';
import { batchError, failureJson, type IdOutcome } from './batch-outcome.js';
import type { CommandContext } from './context.js';
import { readFileOrStdin } from './io.js';
import { batchEnd, downloadJson, type DownloadOutcome, type IdDownloader, recordResultLine } from './deliver.js';
import type { DownloadFlags } from './download-flags.js';
import { manifestBaseDir, readManifest, type JobDefaults } from './create-manifest.js';
import { OutputPaths } from './output-paths.js';
import { commandChalk, makeReporter } from './make-reporter.js';
import { checkWaitFlags, taskJson, type IdDownloaderFactory, type WaitFlags } from './wait.js';

/** The flags of `ezvideo create`: its own, the wait's, and every download flag for `--then-download`. */
export interface CreateFlags extends WaitFlags {
  prompt?: string | undefined;
  /** `--prompt-file <file>`, or `-` for stdin. */
  promptFile?: string | undefined;
  model?: string | undefined;
  seconds?: string | undefined;
  size?: string | undefined;
  inputReference?: string | undefined;
  /** `--param key=value`, repeatable, already parsed. */
  param?: Record<string, unknown> | undefined;
  remix?: string | undefined;
  journal?: string | undefined;
  createConcurrency: number;
  retryUncertain: boolean;
  retryFailed: boolean;
  wait: boolean;
}

async function promptOf(flags: CreateFlags, context: CommandContext): Promise<string | undefined> {
  if (flags.prompt !== undefined && flags.promptFile !== undefined) throw usageError('--prompt and --prompt-file cannot be used together', 'Give the prompt one way.');
  if (flags.promptFile === undefined) return flags.prompt;
  let content: string;
  try {
    content = await readFileOrStdin(flags.promptFile, context.io);
  } catch (error) {
    throw cannotReadError(`the prompt file ${flags.promptFile}`, error, 'Give a text file with the prompt, or - to read it from stdin.');
  }
  const prompt = content.trim();
  if (prompt === '') throw usageError(`the prompt file ${flags.promptFile === '-' ? '(stdin)' : flags.promptFile} is empty`, 'Write the prompt in it.');
  return prompt;
}

/** stdin can be read once: by one of the flags that may read it. */
function checkOneStdinReader(flags: CreateFlags, context: CommandContext): void {
  const readers = [
    ...(context.options.apiKeyFile === '-' ? ['--api-key-file -'] : []),
    ...(flags.promptFile === '-' ? ['--prompt-file -'] : []),
    ...(flags.input === '-' ? ['--input -'] : []),
  ];
  if (readers.length > 1) throw usageError(`${readers.join(' and ')} ${readers.length === 2 ? 'both' : 'all'} read stdin, which can be read once`, 'Read only one of them from stdin; give the others as files (or the key in EZVIDEO_API_KEY).');
}

/** The jobs of this run: the manifest's lines over the flags' defaults, or the flags alone. */
async function jobsOf(flags: CreateFlags, context: CommandContext): Promise<{ jobs: CreateJob[]; baseDir: string; journalPath: string | undefined }> {
  checkOneStdinReader(flags, context);
  const prompt = await promptOf(flags, context);
  const baseDir = manifestBaseDir(flags.input);
  const defaults: JobDefaults = {
    prompt: prompt ?? '',
    model: flags.model,
    seconds: flags.seconds,
    size: flags.size,
    // A path given on the command line starts where the command runs, unlike a manifest's own;
    // it is kept relative to the manifest's folder, as a manifest's own paths are, because the
    // job's key hashes it: an absolute path would make every job new once the folder is moved
    // (or the command run from elsewhere), and create it again.
    inputReference: flags.inputReference === undefined ? undefined : relative(baseDir, resolve(flags.inputReference)),
    params: flags.param,
    remix: flags.remix === undefined ? undefined : validateTaskId(flags.remix),
  };
  if (flags.input !== undefined) {
    if (flags.input === '-' && flags.journal === undefined) {
      throw usageError('a manifest read from stdin needs --journal <file>', 'The journal is what makes a re-run safe: give it a path, or pass the manifest as a file.');
    }
    const manifest = await readManifest(flags.input, defaults, context.io);
    return { ...manifest, journalPath: flags.journal ?? `${flags.input}.journal` };
  }
  if (prompt === undefined) throw usageError('no prompt given', 'Pass --prompt <text>, --prompt-file <file>, or a manifest of jobs with --input <jobs.jsonl>.');
  // Its output is the flags' own (-o, --dir), as for `download`.
  return { jobs: [{ line: 1, ...defaults, prompt }], baseDir, journalPath: flags.journal };
}

/** A job's end as one outcome of a batch, named by its label. */
function idOutcome(end: JobOutcome<DownloadOutcome>, label: string): IdOutcome {
  const { error } = end;
  return { id: label, exitCode: end.exitCode, code: error?.code, message: error?.message, hint: error?.hint, causeCode: error?.causeCode, error };
}

/** The `--json` line of one job: its line, task, outcome, the task's status and the download. */
function jobJson(end: JobOutcome<DownloadOutcome>, label: string): string {
  const download = end.download === undefined ? { download: end.landed === undefined ? null : { ...end.landed, skipped: true } } : { download: null, ...downloadJson(end.download) };
  return JSON.stringify({
    line: end.job.line,
    taskId: end.taskId ?? null,
    outcome: end.outcome,
    reused: end.reused,
    exitCode: end.exitCode,
    ...(end.error === undefined ? {} : { message: end.error.message, ...failureJson(idOutcome(end, label)) }),
    task: end.taskId === undefined ? null : taskJson(end.taskId, end.task),
    ...download,
  });
}

/**
 * `ezvideo create`: one job from the flags, or a manifest of jobs (`--input`), each created
 * once however often the command is run again (the journal), then with `--wait` followed to
 * its end and with `--then-download` downloaded the moment it completes, exactly as
 * `wait --then-download` does. Returns 0 when every job succeeded; otherwise throws the
 * failure of the first failing job in manifest order.
 */
export async function runCreate(flags: CreateFlags, context: CommandContext, makeDownloader: IdDownloaderFactory): Promise<number> {
  const { io, options } = context;
  const { jobs, baseDir, journalPath } = await jobsOf(flags, context);
  const batch = flags.input !== undefined;
  const { thenDownload } = flags;
  checkWaitFlags(flags, jobs.length, options.json, 'create');
  const client = context.client();
  // The manifest's own output folders are made before anything is created: a folder that
  // cannot be made is better said before the videos are paid for.
  if (thenDownload) {
    refuseSharedOutputs(jobs, flags);
    for (const dir of new Set(jobs.flatMap((job) => (job.output === undefined ? [] : [dirname(resolve(baseDir, job.output))])))) await makeOutputDir(dir);
  }
  const journal = journalPath === undefined ? undefined : await Journal.open(journalPath, io.lockOwner);
  const reporter = await makeReporter(context, batch);
  const chalk = commandChalk(context);
  // A job's name in lines and errors: its manifest line; a single create has only the one.
  const labelFor = (line: number): string => (batch ? `line ${line}` : 'create');
  // A job's line once it ended: with --json on stdout, and for --exec-after.
  const jobLines = batch || flags.wait || thenDownload;
  const say = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  // A single create's task, once it exists: what its failures name and continue with.
  let singleTaskId: string | undefined;
  const onCreateEvent = (event: CreateEvent): void => {
    const name = labelFor(event.line);
    if (!batch && event.type === 'create-done') singleTaskId = event.taskId;
    if (event.type === 'create-retry') return say(createRetryLine(chalk, name, event));
    // A single job's failure is said once, by the closing error line.
    if (event.type === 'create-failed') return batch ? say(createFailedLine(chalk, name, event)) : undefined;
    // A single create's id goes to stdout the moment it exists, before any wait (unless stdout carries the file).
    if (!batch && !options.json && flags.output !== '-') io.stdout.write(`${event.taskId}\n`);
    if (!options.quiet) say(createDoneLine(chalk, name, event));
  };
  const onJobEnd = (end: JobOutcome<DownloadOutcome>): void => {
    if (jobLines) recordResultLine(context, flags, jobJson(end, labelFor(end.job.line)));
    else if (options.json && end.taskId !== undefined) io.stdout.write(`${JSON.stringify(taskJson(end.taskId, end.task))}\n`);
  };
  const downloaders = new Map<string | undefined, IdDownloader>();
  const downloaderFor = (job: CreateJob) => {
    const output = job.output === undefined ? undefined : resolve(baseDir, job.output);
    let download = downloaders.get(output);
    if (download === undefined) {
      const jobFlags: DownloadFlags = output === undefined ? flags : { ...flags, output, dir: undefined };
      download = makeDownloader(jobFlags, context, reporter.event);
      downloaders.set(output, download);
    }
    return download;
  };

  let outcomes: Array<JobOutcome<DownloadOutcome>>;
  try {
    outcomes = await runCreateBatch<DownloadOutcome>(jobs, {
      client,
      journal,
      baseDir,
      createConcurrency: flags.createConcurrency,
      retryUncertain: flags.retryUncertain,
      retryFailed: flags.retryFailed,
      retry: { ...defaultRetryPolicy, retries: flags.retries },
      wait: flags.wait || thenDownload,
      intervalMs: flags.interval,
      timeoutMs: flags.timeout,
      download: thenDownload ? (job, id, task, mayHaveLanded) => downloaderFor(job)(id, { task, mayHaveLanded, position: jobs.indexOf(job) + 1, count: jobs.length }) : undefined,
      downloadConcurrency: flags.concurrency,
      signal: io.signal,
      onEvent: reporter.event,
      onCreateEvent,
      onJobEnd,
    });
  } catch (error) {
    throw asCreateInterruption(error, journal !== undefined, singleTaskId === undefined ? undefined : goOnWith(singleTaskId, thenDownload));
  } finally {
    reporter.close();
    await journal?.close();
  }
  if (!options.quiet && batch) say(createSummaryLine(countsOf(outcomes)));
  const failure = await batchEnd(
    batchError(
      outcomes.map((end) => {
        // A failed generation is rightly created again; any other failure of a task that exists is not.
        if (batch || end.taskId === undefined || end.outcome === 'failed') return idOutcome(end, labelFor(end.job.line));
        return { ...idOutcome(end, end.taskId), hint: goOnWith(end.taskId, thenDownload).hint };
      }),
      'jobs',
    ),
    context,
    flags,
  );
  if (failure !== undefined) throw failure;
  return ExitCode.success;
}

/**
 * A flags' `-o` template shared by several jobs must give each its own name by construction
 * (`{id}`, `{index}`): a create cannot know a task's path before the task exists (and is paid
 * for), so a collision found then would come too late. The manifest's own outputs are checked
 * for duplicates as it is read (create-manifest.ts).
 */
function refuseSharedOutputs(jobs: readonly CreateJob[], flags: CreateFlags): void {
  const byFlags = jobs.filter((job) => job.output === undefined).length;
  if (byFlags > 1 && new OutputPaths(flags).oneFileOnly) {
    throw usageError(`-o ${flags.output} names one file for ${byFlags} jobs`, 'Put {id} or {index} in the template (each job then has a name of its own), or give each job its "output" in the manifest.');
  }
}

/** How a single create whose task exists goes on: by waiting for that task, never by creating it again. */
function goOnWith(taskId: string, thenDownload: boolean): { taskId: string; hint: string } {
  const command = thenDownload ? `ezvideo wait ${taskId} --then-download` : `ezvideo wait ${taskId}`;
  const flags = thenDownload ? ' (with the same download flags)' : '';
  return { taskId, hint: `The task exists: go on with \`${command}\`${flags}; running the create again would make (and bill) a second video.` };
}

/**
 * What to do after Ctrl-C: a single create whose task exists goes on with `wait`; a journaled
 * run goes on from the journal, where a create cut off mid-flight is uncertain.
 */
function asCreateInterruption(error: unknown, journaled: boolean, single: { taskId: string; hint: string } | undefined): unknown {
  if (!(error instanceof EzvideoError) || error.code !== 'interrupted') return error;
  if (single !== undefined) return new EzvideoError('interrupted', idLine(single.taskId, error.message), { exitCode: error.exitCode, hint: single.hint });
  const hint = journaled
    ? 'Run the same command again: it goes on from the journal, with the tasks made and the downloads kept; a create cut off in flight is reported uncertain (--retry-uncertain sends it again).'
    : 'A create that was in flight may have made a task: check before creating it again.';
  return new EzvideoError('interrupted', error.message, { exitCode: error.exitCode, hint });
}

function countsOf(outcomes: ReadonlyArray<JobOutcome<DownloadOutcome>>) {
  const count = (test: (end: JobOutcome<DownloadOutcome>) => boolean) => outcomes.filter(test).length;
  return {
    jobs: outcomes.length,
    created: count((end) => end.taskId !== undefined && !end.reused),
    reused: count((end) => end.reused),
    completed: count((end) => end.outcome === 'completed' || end.outcome === 'downloaded' || end.outcome === 'download-failed'),
    failed: count((end) => end.outcome === 'failed'),
    refused: count((end) => end.outcome === 'refused'),
    uncertain: count((end) => end.outcome === 'uncertain'),
    downloaded: count((end) => end.outcome === 'downloaded'),
  };
}
