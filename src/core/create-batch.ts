import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { VideoApiClient } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { EzvideoError, ExitCode } from '../errors.js';
import { type CreateJob, jobKeys } from './create-job.js';
import { createTask, type CreateAttempt } from './create-task.js';
import type { CreateEvent, DownloadResult, EventSink } from './events.js';
import { readInputReference } from './input-reference.js';
import type { JobRecord, Journal } from './journal.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Sleep } from './time.js';
import type { WaitOutcome } from './wait.js';
import { waitThenDownload } from './wait-then-download.js';
import { createLimiter } from './limiter.js';

/** How far a job got, in this run or an earlier one. */
export type JobOutcomeKind = 'created' | 'completed' | 'downloaded' | 'failed' | 'uncertain' | 'refused' | 'wait-failed' | 'download-failed';

/** What the batch needs to know of a download: whether it landed, and where. */
export interface JobDownload {
  exitCode: number;
  result?: DownloadResult | undefined;
  error?: EzvideoError | undefined;
}

export interface JobOutcome<D extends JobDownload = JobDownload> {
  job: CreateJob;
  /** The journal's key of the job. */
  key: string;
  taskId: string | undefined;
  /** The task came from the journal: this run made no create for it. */
  reused: boolean;
  outcome: JobOutcomeKind;
  exitCode: number;
  /** The failure, for every outcome but success. */
  error: EzvideoError | undefined;
  /** The last status of the task, where one was fetched (the create's answer, or the wait's). */
  task: VideoTask | undefined;
  download: D | undefined;
  /** A file an earlier run landed, found whole: nothing was fetched. */
  landed: { path: string; sha256: string | null; bytes: number } | undefined;
}

export interface CreateBatchOptions<D extends JobDownload> {
  client: Pick<VideoApiClient, 'createVideo' | 'getVideo'>;
  /** Without one, nothing is remembered: a job is created whatever earlier runs did. */
  journal?: Journal | undefined;
  /** Relative `input_reference` paths start here (the manifest's folder). Default: the current folder. */
  baseDir?: string | undefined;
  /** Creates in flight at once. */
  createConcurrency: number;
  /** Send again the creates whose outcome is unknown, with the same Idempotency-Key. */
  retryUncertain?: boolean | undefined;
  /** Create again the jobs whose generation failed. */
  retryFailed?: boolean | undefined;
  /** Wait for the tasks (implied by `download`). */
  wait?: boolean | undefined;
  intervalMs?: number | undefined;
  timeoutMs?: number | undefined;
  /**
   * Downloads one job's completed task; expected failures are its result (exitCode), not a
   * rejection. `mayHaveLanded`: an earlier run journaled the task completed, so its download may
   * have landed the file and been killed before journaling it: an existing output that is the
   * server's file is that run's, and is to be kept (`existing: 'adopt'` of downloadVideo).
   */
  download?: ((job: CreateJob, id: string, task: VideoTask | undefined, mayHaveLanded: boolean) => Promise<D>) | undefined;
  /** Downloads at once. */
  downloadConcurrency?: number | undefined;
  /** Backoff of creates that provably made nothing. */
  retry?: RetryPolicy | undefined;
  signal?: AbortSignal | undefined;
  sleep?: Sleep | undefined;
  onEvent?: EventSink | undefined;
  onCreateEvent?: ((event: CreateEvent) => void) | undefined;
  /** Each job's end, the moment it has one. */
  onJobEnd?: ((outcome: JobOutcome<D>) => void) | undefined;
}

/** Fresh for every create sent, kept in the journal: --retry-uncertain sends the same one again. */
function newIdempotencyKey(key: string): string {
  return `ezvideo-${key}-${randomBytes(8).toString('hex')}`;
}

async function stillLanded(download: JobRecord['download']): Promise<boolean> {
  if (download === undefined || download.path === '-') return false;
  return stat(download.path).then(
    (stats) => stats.isFile() && stats.size === download.bytes,
    () => false,
  );
}

/** The journaled failure of a job that this run does not send again, with what would. */
function journaledFailure(record: JobRecord, line: number): EzvideoError {
  if (record.state === 'failed') {
    return new EzvideoError('generation_failed', `earlier run: ${record.message ?? 'the generation failed'}`, {
      hint: `Add --retry-failed to create line ${line} again (a new video, billed again).`,
    });
  }
  return new EzvideoError('uncertain', `earlier run: ${record.message ?? 'a task may have been made (and billed)'}`);
}

/**
 * Creates every job that has no task yet, at most `createConcurrency` at once, then (with
 * `wait` or `download`) follows every task to its end and downloads each as it completes.
 * With a journal, each step of each job is on disk before the next begins, so a re-run never
 * creates a job again that has a task (it goes on waiting or downloading it), leaves alone a
 * job whose create may have made a task (`uncertain`) unless `retryUncertain`, and a job whose
 * generation failed unless `retryFailed`. Returns the outcomes in the order of `jobs`; rejects
 * only for an interruption or a bug (every expected failure is an outcome).
 */
export async function runCreateBatch<D extends JobDownload>(jobs: readonly CreateJob[], options: CreateBatchOptions<D>): Promise<Array<JobOutcome<D>>> {
  const keys = jobKeys(jobs);
  const { journal } = options;
  const emit = options.onCreateEvent ?? (() => {});
  const follow = options.wait === true || options.download !== undefined;
  const outcomes = new Array<JobOutcome<D> | undefined>(jobs.length);
  const end = (index: number, outcome: Omit<JobOutcome<D>, 'job' | 'key'>): void => {
    const ended = { job: jobs[index] as CreateJob, key: keys[index] as string, ...outcome };
    outcomes[index] = ended;
    options.onJobEnd?.(ended);
  };
  const base = { error: undefined, task: undefined, download: undefined, landed: undefined };
  const record = (key: string): JobRecord | undefined => journal?.record(key);

  const submit: number[] = [];
  const toFollow = new Map<string, { index: number; reused: boolean }>();
  for (const [index, job] of jobs.entries()) {
    const known = record(keys[index] as string);
    const state = known?.state ?? 'new';
    if (known !== undefined && state === 'downloaded' && (await stillLanded(known.download))) {
      emit({ type: 'create-done', line: job.line, taskId: known.taskId as string, reused: true });
      end(index, { ...base, taskId: known.taskId, reused: true, outcome: 'downloaded', exitCode: ExitCode.success, landed: known.download });
    } else if (known?.taskId !== undefined && (state === 'created' || state === 'completed' || state === 'downloaded')) {
      emit({ type: 'create-done', line: job.line, taskId: known.taskId, reused: true });
      if (follow) toFollow.set(known.taskId, { index, reused: true });
      else end(index, { ...base, taskId: known.taskId, reused: true, outcome: state === 'created' ? 'created' : 'completed', exitCode: ExitCode.success });
    } else if (known !== undefined && ((state === 'failed' && !options.retryFailed) || (state === 'uncertain' && !options.retryUncertain))) {
      const error = journaledFailure(known, job.line);
      emit({ type: 'create-failed', line: job.line, message: error.message, exitCode: error.exitCode, fromJournal: true });
      end(index, { ...base, taskId: known.taskId, reused: known.taskId !== undefined, outcome: state === 'failed' ? 'failed' : 'uncertain', exitCode: error.exitCode, error });
    } else {
      submit.push(index);
    }
  }

  const limit = createLimiter(Math.max(1, options.createConcurrency));
  // Settled, not raced: on an interruption the batch returns only once every create in flight
  // has stopped. One whose answer came first has journaled its task; one cut off before its
  // answer rejects with the interruption and keeps just its `submitting` line, which the next
  // run reads as uncertain, as after a crash (whether the server made the task is unknown).
  const created = await Promise.allSettled(
    submit.map((index) =>
      limit(async () => {
        options.signal?.throwIfAborted();
        const job = jobs[index] as CreateJob;
        const key = keys[index] as string;
        const known = record(key);
        const resentKey = known?.state === 'uncertain' ? known.idempotencyKey : undefined;
        const attempt = await createOne(job, key, resentKey, options);
        if (attempt.kind === 'created') {
          await journal?.append(key, job.line, { step: 'created', taskId: attempt.task.id });
          emit({ type: 'create-done', line: job.line, taskId: attempt.task.id, reused: false });
          if (follow) toFollow.set(attempt.task.id, { index, reused: false });
          else end(index, { ...base, taskId: attempt.task.id, reused: false, outcome: 'created', exitCode: ExitCode.success, task: attempt.task });
          return;
        }
        const { kind, error } = madeNothing(attempt, resentKey !== undefined);
        // Refused before it was sent (its image): nothing is journaled, the job stays as it was.
        if (attempt.kind !== 'not-sent') await journal?.append(key, job.line, { step: kind, message: error.message });
        emit({ type: 'create-failed', line: job.line, message: error.message, exitCode: error.exitCode, fromJournal: false });
        end(index, { ...base, taskId: undefined, reused: false, outcome: kind, exitCode: error.exitCode, error });
      }),
    ),
  );
  const failed = created.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;

  if (toFollow.size > 0) await followTasks(jobs, keys, toFollow, options, end);
  return outcomes.filter((outcome): outcome is JobOutcome<D> => outcome !== undefined);
}

/**
 * How a create that brought no task ends. A refusal of a re-send (--retry-uncertain) says
 * nothing of the first create, which may have made a task: the job stays uncertain, or the next
 * run would create it afresh under a new Idempotency-Key and bill it twice.
 */
function madeNothing(attempt: Exclude<CreateAttempt, { kind: 'created' }> | NotSent, resent: boolean): { kind: 'refused' | 'uncertain'; error: EzvideoError } {
  if (attempt.kind === 'not-sent') return { kind: 'refused', error: attempt.error };
  if (attempt.kind === 'uncertain' || !resent) return attempt;
  const { error } = attempt;
  const message = `${error.message}; this was the re-send of a create whose outcome is unknown, so a task may still have been made (and billed) by the first`;
  return { kind: 'uncertain', error: new EzvideoError('uncertain', message, { cause: error, causeCode: error.causeCode }) };
}

/** A create not sent: its image could not be read. */
type NotSent = { kind: 'not-sent'; error: EzvideoError };

/** One job's create: its image read, its `submitting` line on disk, then the request; `not-sent` when its image cannot be read. */
async function createOne<D extends JobDownload>(
  job: CreateJob,
  key: string,
  resentKey: string | undefined,
  options: CreateBatchOptions<D>,
): Promise<CreateAttempt | NotSent> {
  let inputReference;
  try {
    inputReference = job.inputReference === undefined ? undefined : await readInputReference(resolve(options.baseDir ?? '.', job.inputReference));
  } catch (error) {
    if (error instanceof EzvideoError) return { kind: 'not-sent', error };
    throw error;
  }
  const idempotencyKey = resentKey ?? newIdempotencyKey(key);
  await options.journal?.append(key, job.line, { step: 'submitting', idempotencyKey });
  return createTask(
    options.client,
    { prompt: job.prompt, model: job.model, seconds: job.seconds, size: job.size, params: job.params, inputReference },
    {
      remixOf: job.remix,
      idempotencyKey,
      signal: options.signal,
      retry: options.retry,
      sleep: options.sleep,
      onRetry: ({ delayMs, error }) => options.onCreateEvent?.({ type: 'create-retry', line: job.line, delayMs, reason: (error as Error).message }),
    },
  );
}

/** Waits for the tasks, downloading each as it completes, each end journaled before it is reported. */
async function followTasks<D extends JobDownload>(
  jobs: readonly CreateJob[],
  keys: readonly string[],
  toFollow: Map<string, { index: number; reused: boolean }>,
  options: CreateBatchOptions<D>,
  end: (index: number, outcome: Omit<JobOutcome<D>, 'job' | 'key'>) => void,
): Promise<void> {
  const { journal, download } = options;
  const of = (id: string) => {
    const entry = toFollow.get(id) as { index: number; reused: boolean };
    return { ...entry, job: jobs[entry.index] as CreateJob, key: keys[entry.index] as string };
  };
  const appends: Array<Promise<void>> = [];
  const ends = (wait: WaitOutcome, result: D | undefined): void => {
    const { index, reused, job, key } = of(wait.id);
    const common = { taskId: wait.id, reused, task: wait.task, landed: undefined };
    if (wait.exitCode !== ExitCode.success) {
      const generation = wait.code === 'generation_failed';
      const error = new EzvideoError(wait.code ?? 'server', wait.message ?? `exit code ${wait.exitCode}`, { hint: wait.hint, causeCode: wait.causeCode, exitCode: wait.exitCode });
      const report = () => end(index, { ...common, outcome: generation ? 'failed' : 'wait-failed', exitCode: wait.exitCode, error, download: undefined });
      if (!generation || journal === undefined) return report();
      appends.push(journal.append(key, job.line, { step: 'failed', taskId: wait.id, message: wait.message ?? 'the generation failed' }).then(report));
      return;
    }
    if (result === undefined) {
      const report = () => end(index, { ...common, outcome: 'completed', exitCode: ExitCode.success, error: undefined, download: undefined });
      if (journal === undefined) return report();
      appends.push(journal.append(key, job.line, { step: 'completed', taskId: wait.id }).then(report));
      return;
    }
    const landed = result.result;
    const outcome = (): Omit<JobOutcome<D>, 'job' | 'key'> => ({
      ...common,
      outcome: result.exitCode === ExitCode.success ? 'downloaded' : 'download-failed',
      exitCode: result.exitCode,
      error: result.error,
      download: result,
    });
    if (journal === undefined || landed === undefined || result.exitCode !== ExitCode.success) return end(index, outcome());
    // Absolute, so that a re-run from another folder still finds the file.
    const path = landed.path === '-' ? '-' : resolve(landed.path);
    const step = { step: 'downloaded' as const, taskId: wait.id, path, sha256: landed.sha256 ?? null, bytes: landed.bytes };
    appends.push(journal.append(key, job.line, step).then(() => end(index, outcome())));
  };
  const ids = [...toFollow.keys()];
  try {
    await waitThenDownload(ids, {
      client: options.client,
      signal: options.signal,
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      onEvent: options.onEvent,
      concurrency: options.downloadConcurrency ?? 4,
      // A completed task is journaled before its download starts: a re-run knows it needs no more waiting.
      download:
        download === undefined
          ? undefined
          : async (id, task) => {
              const { job, key } = of(id);
              const mayHaveLanded = journal?.record(key).state === 'completed';
              await journal?.append(key, job.line, { step: 'completed', taskId: id });
              return download(job, id, task, mayHaveLanded);
            },
      onEnd: ends,
    });
  } finally {
    await Promise.all(appends);
  }
}
