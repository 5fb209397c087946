import type { ChalkInstance } from 'chalk';
import type { NormalizedStatus } from '../api/video.js';
import type { DownloadEvent, WaitEvent } from '../core/events.js';
import type { DownloadProgress } from './download-progress.js';
import { formatBytes, formatDuration, formatRate } from '../units.js';
import { withoutId } from '../api/task-id.js';
import { idLine, idWarningLine } from './messages.js';

/*
 * The wording of every human line, shared by the line reporter (logs) and the bar reporter
 * (lines printed above the bars), so a log and a terminal tell the same story.
 */

type Event<T extends string> = Extract<DownloadEvent | WaitEvent, { type: T }>;

function target(path: string): string {
  return path === '-' ? 'stdout' : path;
}

export function startLine(event: Event<'download-start'>): string {
  const total = event.totalBytes === undefined ? undefined : formatBytes(event.totalBytes);
  const attempt = event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
  if (event.offset > 0) {
    const of = total === undefined ? '' : ` of ${total}`;
    return `${event.id}: resuming ${target(event.path)} at ${formatBytes(event.offset)}${of}${attempt}`;
  }
  const size = total === undefined ? '' : ` (${total})`;
  return `${event.id}: downloading to ${target(event.path)}${size}${attempt}`;
}

export function progressLine(progress: DownloadProgress, now: number): string {
  const speed = progress.speed(now);
  const rate = speed === undefined ? '' : `, ${formatRate(speed)}`;
  const percent = progress.percent();
  if (percent === undefined || progress.totalBytes === undefined) {
    return `${progress.id}: ${formatBytes(progress.bytes)}${rate}`;
  }
  const eta = progress.etaMs(now);
  const left = eta === undefined ? '' : `, ${formatDuration(eta)} left`;
  return `${progress.id}: ${formatBytes(progress.bytes)} of ${formatBytes(progress.totalBytes)} (${Math.floor(percent)}%)${rate}${left}`;
}

/** `attempt` is the attempt that just failed; the next one starts after the delay. */
export function retryLine(c: ChalkInstance, event: Event<'download-retry'>): string {
  return `${event.id}: ${c.yellow(`attempt ${event.attempt} failed`)}: ${withoutId(event.id, event.reason)}; retrying in ${formatDuration(event.delayMs)}`;
}

/**
 * `progress` is undefined when the file was already complete and no attempt ran. After a
 * resume the line says what this run fetched, so the speed is not read as that of the whole.
 */
export function doneLine(c: ChalkInstance, event: Event<'download-done'>, progress: DownloadProgress | undefined, now: number): string {
  if (event.skipped) return `${event.id}: ${target(event.path)} is already complete, skipped`;
  const saved = `${event.id}: ${c.green('saved')} ${target(event.path)}`;
  if (progress === undefined) return `${saved} (${formatBytes(event.bytes)})`;
  const elapsedMs = now - progress.startedAt;
  const transferred = Math.max(0, event.bytes - progress.startOffset);
  const average = elapsedMs > 0 ? `, ${formatRate((transferred * 1000) / elapsedMs)}` : '';
  if (progress.startOffset === 0) return `${saved} (${formatBytes(event.bytes)} in ${formatDuration(elapsedMs)}${average})`;
  return `${saved} (${formatBytes(event.bytes)}; resumed at ${formatBytes(progress.startOffset)}, fetched ${formatBytes(transferred)} in ${formatDuration(elapsedMs)}${average})`;
}

export function failedLine(c: ChalkInstance, event: Event<'download-failed'>): string {
  return `${event.id}: ${c.red(event.afterLanding === true ? 'hook failed' : 'download failed')}: ${withoutId(event.id, event.message)}`;
}

/** A download still running when the reporter closes (interrupted): where it stopped, for a resume. */
export function stoppedLine(progress: DownloadProgress): string {
  const total = progress.totalBytes === undefined ? '' : ` of ${formatBytes(progress.totalBytes)}`;
  const percent = progress.percent();
  const share = percent === undefined ? '' : ` (${Math.floor(percent)}%)`;
  return `${progress.id}: stopped at ${formatBytes(progress.bytes)}${total}${share}`;
}

/** The server's own word is shown too when it differs (`in_progress (IN_PROGRESS)`): it is what its docs say. */
export function statusLabel(status: NormalizedStatus, rawStatus: string): string {
  return rawStatus === status || rawStatus === '' ? status : `${status} (${rawStatus})`;
}

export function percentLabel(progress: number | undefined): string {
  return progress === undefined ? '' : `${Math.floor(progress)}%`;
}

export function waitStatusLine(event: Event<'wait-status'>): string {
  const percent = percentLabel(event.progress);
  return `${event.id}: ${statusLabel(event.status, event.rawStatus)}${percent === '' ? '' : ` ${percent}`}`;
}

export function pollErrorLine(c: ChalkInstance, event: Event<'wait-poll-error'>): string {
  return idWarningLine(c, event.id, `status poll failed: ${withoutId(event.id, event.message)}; next poll in ${formatDuration(event.delayMs)}`);
}

/**
 * `elapsedMs` counts from the first status seen, undefined when none was. A wait that ended in
 * a failure is its message alone, which names what happened (`the generation failed: <reason>`,
 * `timed out after 20s ...`, a refused key): the word `failed` is kept for the generation.
 */
export function waitDoneLine(c: ChalkInstance, event: Event<'wait-done'>, elapsedMs: number | undefined): string {
  const after = elapsedMs === undefined ? '' : ` after ${formatDuration(elapsedMs)}`;
  if (event.exitCode === 0) return `${event.id}: ${c.green(event.status)}${after}`;
  return idLine(event.id, c.red(event.message ?? `exit code ${event.exitCode}`));
}
