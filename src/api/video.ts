/**
 * The video object as ezvideo understands it, whatever the server's dialect: status words
 * normalised, progress a number or absent, fields that servers leave out made optional.
 */
export type NormalizedStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface VideoTask {
  id: string;
  status: NormalizedStatus;
  /** The status word exactly as the server sent it (e.g. `IN_PROGRESS`, `processing`). */
  rawStatus: string;
  /** 0..100, or undefined when the server did not say. */
  progress: number | undefined;
  model: string | undefined;
  size: string | undefined;
  seconds: string | undefined;
  createdAt: number | undefined;
  completedAt: number | undefined;
  expiresAt: number | undefined;
  /** The server's error message for failed or cancelled tasks. */
  error: string | undefined;
  /**
   * A direct http(s) link to the file (`metadata.url` and the other places forks put one):
   * often a signed URL, a capability that needs no API key and expires.
   */
  directUrl: string | undefined;
  /**
   * The object as the server sent it (with the API key already cut out, as every answer is),
   * for `--write-info-json`; absent for a task made up by a caller.
   */
  raw?: unknown;
}
