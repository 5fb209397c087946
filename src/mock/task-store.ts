/**
 * The simulator's tasks and their life over time. A task's phase is computed from the clock
 * at each request (no timers), so a thousand idle tasks cost nothing and `close()` has
 * nothing to cancel. Seeded ids (seeded-id.ts) become tasks the first time they are named,
 * which starts their generation clock.
 */
import type { TaskPhase, TaskView } from './profile.js';
import { isValidTaskId, parseSeededId } from './seeded-id.js';
import type { TaskKind } from './seeded-id.js';

export interface MockTask {
  readonly id: string;
  readonly kind: TaskKind;
  /** Payload size of synthetic and broken tasks. */
  readonly size: number | undefined;
  readonly createdAtMs: number;
  readonly generationTimeMs: number;
  readonly model: string;
  readonly seconds: string;
  readonly resolution: string;
  readonly prompt: string;
  /** The task a remix was made from. */
  readonly remixedFrom: string | undefined;
  /** Bumped by the `etagChanges` fault: each version is a different file. */
  version: number;
}

export interface CreateTaskOptions {
  /** Defaults to a fresh id in the profile's style. */
  id?: string;
  /** Defaults to the kind the id names when seeded, else `normal`. */
  kind?: TaskKind;
  /** Payload size for `synthetic` and `broken` tasks. */
  size?: number;
  /** Defaults to the server's generation time. */
  generationTimeMs?: number;
  model?: string;
  seconds?: string;
  resolution?: string;
  prompt?: string;
  remixedFrom?: string;
}

/** How long completed content stays downloadable, as OpenAI's links (about an hour). */
const CONTENT_LIFETIME_S = 3600;
/** The share of the generation time spent `queued` before `in_progress`. */
const QUEUED_SHARE = 0.1;

export class TaskStore {
  private readonly tasks = new Map<string, MockTask>();

  constructor(
    private readonly generationTimeMs: number,
    private readonly newId: () => string,
  ) {}

  /** The task, creating a seeded one on first sight; undefined for unknown ids. */
  get(id: string): MockTask | undefined {
    const existing = this.tasks.get(id);
    if (existing) return existing;
    const seeded = parseSeededId(id);
    return seeded ? this.create({ id, kind: seeded.kind, ...(seeded.size === undefined ? {} : { size: seeded.size }) }) : undefined;
  }

  create(options: CreateTaskOptions = {}): MockTask {
    const id = options.id ?? this.newId();
    if (!isValidTaskId(id)) throw new Error(`invalid task id ${JSON.stringify(id)}: use letters, digits, _ and -`);
    const seeded = parseSeededId(id);
    const kind = options.kind ?? seeded?.kind ?? 'normal';
    const size = options.size ?? seeded?.size;
    if ((kind === 'synthetic' || kind === 'broken') && size === undefined) throw new Error(`a ${kind} task needs a size`);
    const task: MockTask = {
      id,
      kind,
      size,
      createdAtMs: Date.now(),
      generationTimeMs: options.generationTimeMs ?? this.generationTimeMs,
      model: options.model ?? 'sora-2',
      seconds: options.seconds ?? '8',
      resolution: options.resolution ?? '1280x720',
      prompt: options.prompt ?? 'A calm sea at dawn',
      remixedFrom: options.remixedFrom,
      version: 0,
    };
    this.tasks.set(id, task);
    return task;
  }
}

/** When the task reaches its final state (ms since the epoch), as the clock of viewTask has it. */
export function finalAtMs(task: MockTask): number {
  return task.createdAtMs + task.generationTimeMs;
}

/** The task as it stands now; `neverFinish` is the fault of the same name. */
export function viewTask(task: MockTask, now: number, neverFinish: boolean): TaskView {
  const elapsed = now - task.createdAtMs;
  const generation = task.generationTimeMs;
  const running = task.kind === 'never' || neverFinish || elapsed < generation;
  const base = {
    id: task.id,
    createdAt: Math.floor(task.createdAtMs / 1000),
    model: task.model,
    size: task.resolution,
    seconds: task.seconds,
    prompt: task.prompt,
    remixedFrom: task.remixedFrom,
  };
  if (running) {
    const queued = generation > 0 && elapsed < generation * QUEUED_SHARE;
    // A task that never finishes creeps up to 99 % and stays there, as stuck jobs do.
    const progress = generation > 0 ? Math.min(99, Math.floor((100 * elapsed) / generation)) : 50;
    return {
      ...base,
      phase: queued ? 'queued' : 'in_progress',
      progress: queued ? 0 : progress,
      completedAt: undefined,
      expiresAt: undefined,
      expired: false,
      errorMessage: undefined,
    };
  }
  const completedAt = Math.floor(finalAtMs(task) / 1000);
  const phase: TaskPhase = task.kind === 'fail' ? 'failed' : task.kind === 'cancel' ? 'cancelled' : 'completed';
  if (phase !== 'completed') {
    return {
      ...base,
      phase,
      progress: 100,
      completedAt,
      expiresAt: undefined,
      expired: false,
      errorMessage: phase === 'failed' ? 'Video generation failed (simulated)' : 'Video generation was cancelled (simulated)',
    };
  }
  const expired = task.kind === 'expired';
  return {
    ...base,
    phase,
    progress: 100,
    completedAt,
    expiresAt: expired ? completedAt : completedAt + CONTENT_LIFETIME_S,
    expired,
    errorMessage: undefined,
  };
}
