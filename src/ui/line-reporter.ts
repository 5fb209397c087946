import type { NormalizedStatus } from '../api/video.js';
import type { EngineEvent } from '../core/events.js';
import { DownloadProgress } from './download-progress.js';
import {
  doneLine,
  failedLine,
  pollErrorLine,
  progressLine,
  retryLine,
  startLine,
  stoppedLine,
  waitDoneLine,
  waitStatusLine,
} from './event-text.js';
import { idWarningLine } from './messages.js';
import type { Reporter, ReporterContext } from './reporter.js';

/** A progress line at most this often per download, unless a 10 % step comes first. */
const PROGRESS_INTERVAL_MS = 5_000;
const PERCENT_STEP = 10;
/**
 * An unchanged wait is repeated this often: some CI systems kill a job that prints nothing for
 * ten minutes, and a long generation can sit in `in_progress 40%` for longer than that.
 */
const WAIT_HEARTBEAT_MS = 60_000;

interface DownloadLog {
  progress: DownloadProgress;
  lineAt: number;
  /** The 10 % step of the last line, or -1 when the size is unknown. */
  step: number;
}

interface WaitLog {
  firstSeenAt: number;
  lineAt: number;
  status: NormalizedStatus;
  rawStatus: string;
  step: number | undefined;
}

function stepOf(percent: number | undefined): number {
  return percent === undefined ? -1 : Math.floor(percent / PERCENT_STEP);
}

/**
 * Plain lines for logs and CI: one line per thing that happened, paced so that a fast download
 * prints about ten lines and a slow one a line every few seconds. No escape codes other than
 * colour, and colour only when the chalk level allows it (it does not in CI unless forced).
 */
export function createLineReporter({ stream, chalk, sayIdFailures, now }: ReporterContext): Reporter {
  const downloads = new Map<string, DownloadLog>();
  const waits = new Map<string, WaitLog>();
  const write = (line: string): void => {
    stream.write(`${line}\n`);
  };

  function onProgress(event: Extract<EngineEvent, { type: 'download-progress' }>): void {
    const log = downloads.get(event.id);
    if (log === undefined) return;
    const at = now();
    log.progress.update(event, at);
    const percent = log.progress.percent();
    // 100 % is left to the done line, which follows at once with the totals.
    if (percent !== undefined && percent >= 100) return;
    const step = stepOf(percent);
    if (step > log.step || at - log.lineAt >= PROGRESS_INTERVAL_MS) {
      log.step = step;
      log.lineAt = at;
      write(progressLine(log.progress, at));
    }
  }

  function onWaitStatus(event: Extract<EngineEvent, { type: 'wait-status' }>): void {
    const at = now();
    const step = event.progress === undefined ? undefined : stepOf(event.progress);
    const last = waits.get(event.id);
    const changed =
      last === undefined ||
      last.status !== event.status ||
      last.rawStatus !== event.rawStatus ||
      last.step !== step ||
      at - last.lineAt >= WAIT_HEARTBEAT_MS;
    if (!changed) return;
    waits.set(event.id, { firstSeenAt: last?.firstSeenAt ?? at, lineAt: at, status: event.status, rawStatus: event.rawStatus, step });
    write(waitStatusLine(event));
  }

  function event(event: EngineEvent): void {
    switch (event.type) {
      case 'download-start': {
        const at = now();
        const known = downloads.get(event.id);
        if (known === undefined) {
          const progress = new DownloadProgress(event, at);
          downloads.set(event.id, { progress, lineAt: at, step: stepOf(progress.percent()) });
        } else {
          known.progress.restart(event, at);
          known.lineAt = at;
          known.step = stepOf(known.progress.percent());
        }
        write(startLine(event));
        return;
      }
      case 'download-progress':
        onProgress(event);
        return;
      case 'download-retry':
        write(retryLine(chalk, event));
        return;
      case 'download-warning':
        write(idWarningLine(chalk, event.id, event.message));
        return;
      case 'download-done':
        write(doneLine(chalk, event, downloads.get(event.id)?.progress, now()));
        downloads.delete(event.id);
        return;
      case 'download-failed':
        if (sayIdFailures) write(failedLine(chalk, event));
        downloads.delete(event.id);
        return;
      case 'wait-status':
        onWaitStatus(event);
        return;
      case 'wait-poll-error':
        write(pollErrorLine(chalk, event));
        return;
      case 'wait-done': {
        const firstSeenAt = waits.get(event.id)?.firstSeenAt;
        if (sayIdFailures || event.exitCode === 0) write(waitDoneLine(chalk, event, firstSeenAt === undefined ? undefined : now() - firstSeenAt));
        waits.delete(event.id);
        return;
      }
    }
  }

  return {
    event,
    // Every line is written whole, so there is nothing to tidy; downloads still running were
    // interrupted: where each stopped, for the resume.
    close: () => {
      for (const { progress } of downloads.values()) write(stoppedLine(progress));
      downloads.clear();
    },
  };
}
