/**
 * What the engines report: events while they work, and the result when a download is done.
 * Engines emit events and never print; a reporter in src/ui turns them into a bar, plain lines,
 * or nothing.
 */
import type { NormalizedStatus } from '../api/video.js';
import type { SourceKind } from './content-source.js';

export type DownloadEvent =
  /** An attempt is about to stream bytes. `offset` is what is already on disk (resumed). */
  | { type: 'download-start'; id: string; path: string; offset: number; totalBytes: number | undefined; attempt: number }
  /** `bytes` is the number of bytes on disk now (offset included), for a progress bar. */
  | { type: 'download-progress'; id: string; bytes: number; totalBytes: number | undefined }
  /** Attempt number `attempt` failed and another will start after `delayMs`. */
  | { type: 'download-retry'; id: string; attempt: number; delayMs: number; reason: string }
  /** Something the user should know that does not stop the download (type mismatch, restart). */
  | { type: 'download-warning'; id: string; message: string }
  | { type: 'download-done'; id: string; path: string; bytes: number; skipped: boolean }
  /** `afterLanding`: the file landed, and what follows it failed (its `--exec` hook); the file stays. */
  | { type: 'download-failed'; id: string; message: string; exitCode: number; afterLanding?: boolean | undefined };

export type WaitEvent =
  /** A wait for these ids begins: a view can count them all before the first status answers. */
  | { type: 'wait-start'; ids: readonly string[] }
  /** A status poll answered. `rawStatus` is the server's own word, shown as it came. */
  | { type: 'wait-status'; id: string; status: NormalizedStatus; rawStatus: string; progress: number | undefined }
  /** A poll failed for a reason that does not end the wait; the next poll is in `delayMs`. */
  | { type: 'wait-poll-error'; id: string; message: string; delayMs: number }
  | { type: 'wait-done'; id: string; status: NormalizedStatus; exitCode: number; message: string | undefined };

/**
 * What the create batch reports of its jobs, beside the wait and download events of their tasks.
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

export type EngineEvent = DownloadEvent | WaitEvent;

export type EventSink = (event: EngineEvent) => void;

/**
 * Passes events on, each distinct warning of a download only once: a server that does the same
 * odd thing on every attempt (ignores the range, sends another type) is news once, not ten times.
 */
export function sayEachWarningOnce(sink: EventSink): EventSink {
  const said = new Set<string>();
  return (event) => {
    if (event.type === 'download-warning') {
      if (said.has(event.message)) return;
      said.add(event.message);
    }
    sink(event);
  };
}

/** How often a download reports its byte count: often enough for a bar, rare enough to cost nothing. */
const progressEveryMs = 100;

/**
 * Wraps a progress report so it runs at most every `everyMs` (and always when `force`, for the
 * last count): the hot path can call it for every chunk.
 */
export function throttleProgress(report: (bytes: number) => void, now: () => number, everyMs = progressEveryMs): (bytes: number, force?: boolean) => void {
  let reportedAt = now();
  return (bytes, force = false) => {
    const time = now();
    if (!force && time - reportedAt < everyMs) return;
    reportedAt = time;
    report(bytes);
  };
}

/** What a finished download reports (`--json` prints it, the library returns it). */
export interface DownloadResult {
  id: string;
  /** The final path, or `-` when the bytes went to stdout. */
  path: string;
  bytes: number;
  contentType: string | undefined;
  /**
   * sha256 of exactly the bytes that landed, hex; undefined unless it was asked for (the
   * `hash` option, or `expectedSha256`), and for a skipped file.
   */
  sha256: string | undefined;
  /** HTTP attempts it took (1 when nothing went wrong). */
  attempts: number;
  /** Whether bytes from an earlier attempt or run were kept and appended to. */
  resumed: boolean;
  /** Which source delivered the bytes; undefined when no request was made (skipped). */
  source: SourceKind | undefined;
  /**
   * The address the bytes came from, without its query or credentials (a signed link's query is
   * the secret that opens it); undefined when no request was made.
   */
  url: string | undefined;
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
