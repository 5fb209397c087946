import type { ChalkInstance } from 'chalk';
import type { CreateEvent } from '../core/events.js';
import { formatDuration } from '../units.js';
import { idLine, idWarningLine } from './messages.js';

/*
 * The wording of `ezvideo create`'s own lines: one per job when it has its task or cannot get
 * one, and the closing count. A job is named by its manifest line (`line 3`), the one name it
 * has before a task exists; a single create by the word `create`.
 */

type Event<T extends CreateEvent['type']> = Extract<CreateEvent, { type: T }>;

export function createDoneLine(c: ChalkInstance, label: string, event: Event<'create-done'>): string {
  return event.reused ? `${label}: ${event.taskId} (from the journal)` : `${label}: ${c.green('created')} ${event.taskId}`;
}

export function createRetryLine(c: ChalkInstance, label: string, event: Event<'create-retry'>): string {
  return idWarningLine(c, label, `the create made nothing (${event.reason}); sending it again in ${formatDuration(event.delayMs)}`);
}

export function createFailedLine(c: ChalkInstance, label: string, event: Event<'create-failed'>): string {
  return idLine(label, c.red(event.message));
}

export interface CreateCounts {
  jobs: number;
  created: number;
  reused: number;
  completed: number;
  failed: number;
  refused: number;
  uncertain: number;
  downloaded: number;
}

/** The closing line on stderr: what this run did and what it found in the journal. */
export function createSummaryLine(counts: CreateCounts): string {
  const jobs = counts.jobs === 1 ? '1 job' : `${counts.jobs} jobs`;
  return `create: ${jobs}: ${counts.created} created, ${counts.reused} reused from the journal, ${counts.completed} completed, ${counts.failed} failed, ${counts.refused} refused, ${counts.uncertain} uncertain, ${counts.downloaded} downloaded`;
}
