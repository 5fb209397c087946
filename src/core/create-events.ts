/**
 * What the create batch reports of its jobs, beside the wait and download events of their
 * tasks; like those, emitted and never printed (src/ui words them).
 */
export type CreateEvent =
  /** A job has its task: made by this run, or known from the journal (`reused`). */
  | { type: 'create-done'; line: number; taskId: string; reused: boolean }
  /** A create that provably made nothing is sent again after `delayMs`. */
  | { type: 'create-retry'; line: number; delayMs: number; reason: string }
  /**
   * A job has no task to follow: its create is uncertain or was refused, or its generation
   * failed in an earlier run; `fromJournal` when this run sent nothing for it.
   */
  | { type: 'create-failed'; line: number; message: string; exitCode: number; fromJournal: boolean };
