import type { SourceKind } from './content-source.js';

/** What a finished download reports (`--json` prints it, the library returns it). */
export interface DownloadResult {
  id: string;
  /** The final path, or `-` when the bytes went to stdout. */
  path: string;
  bytes: number;
  contentType: string | undefined;
  /** sha256 of exactly the bytes that landed, hex. */
  sha256: string | undefined;
  /** HTTP attempts it took (1 when nothing went wrong). */
  attempts: number;
  /** Whether bytes from an earlier attempt or run were kept and appended to. */
  resumed: boolean;
  /** Which source delivered the bytes; undefined when no request was made (skipped). */
  source: SourceKind | undefined;
  /** The file was already there and `--skip-existing` made no request. */
  skipped: boolean;
  elapsedMs: number;
  /**
   * The structure check's verdict: `ok`, `unchecked` (a type without a check, or bytes sent to
   * stdout), or `failed` (kept only because of --no-verify).
   */
  verified: 'ok' | 'failed' | 'unchecked';
}

/** What one engine's attempt returns: the whole run's elapsed time is known only to its caller. */
export type AttemptResult = Omit<DownloadResult, 'elapsedMs'>;
