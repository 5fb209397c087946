import type { NormalizedStatus } from '../api/video.js';
import type { WaitEvent } from '../core/events.js';
import { percentLabel, statusLabel } from './event-text.js';

interface WaitState {
  status: NormalizedStatus;
  rawStatus: string;
  progress: number | undefined;
  firstSeenAt: number;
}

/** Rows shown one per id before the rest are only counted: a 50-id batch must not fill the screen. */
export const MAX_WAIT_ROWS = 8;

/** The ids still being waited for, in the order first seen, and how to show them in little room. */
export class WaitBoard {
  readonly #waits = new Map<string, WaitState>();
  /** Ids of the wait whose first status has not come yet (their polls are spread out). */
  readonly #unseen = new Set<string>();

  get size(): number {
    return this.#waits.size + this.#unseen.size;
  }

  expect(ids: readonly string[]): void {
    for (const id of ids) if (!this.#waits.has(id)) this.#unseen.add(id);
  }

  update(event: Extract<WaitEvent, { type: 'wait-status' }>, now: number): void {
    this.#unseen.delete(event.id);
    const firstSeenAt = this.#waits.get(event.id)?.firstSeenAt ?? now;
    this.#waits.set(event.id, { status: event.status, rawStatus: event.rawStatus, progress: event.progress, firstSeenAt });
  }

  /** Forgets the id and says since when it was watched (undefined if it never was). */
  remove(id: string): number | undefined {
    const firstSeenAt = this.#waits.get(id)?.firstSeenAt;
    this.#waits.delete(id);
    this.#unseen.delete(id);
    return firstSeenAt;
  }

  /**
   * For the spinner: one id gives one line; several give a header, up to MAX_WAIT_ROWS rows of
   * `id  status  42%`, and one line counting the rest by status. Never more than
   * MAX_WAIT_ROWS + 2 lines, each cut to `width` columns.
   */
  lines(width: number): string[] {
    const entries = [...this.#waits];
    if (this.size === 1) return [this.summary(width)];
    const shown = entries.slice(0, MAX_WAIT_ROWS);
    const hidden = entries.slice(MAX_WAIT_ROWS);
    const idWidth = Math.max(...shown.map(([id]) => id.length));
    const statusWidth = Math.max(...shown.map(([, s]) => statusLabel(s.status, s.rawStatus).length));
    const rows = shown.map(([id, s]) => {
      const status = statusLabel(s.status, s.rawStatus).padEnd(statusWidth);
      return fit(`  ${id.padEnd(idWidth)}  ${status}  ${percentLabel(s.progress).padStart(4)}`.trimEnd(), width);
    });
    const lines = [this.summary(width), ...rows];
    if (hidden.length > 0) {
      lines.push(fit(`  … and ${hidden.length} more: ${countByStatus(hidden.map(([, s]) => s))}`, width));
    }
    return lines;
  }

  /** One line for a row among download bars: `waiting for 12 videos: 8 in_progress, 4 queued`. */
  summary(width: number): string {
    const [first] = this.#waits;
    const [unseen] = this.#unseen;
    if (this.size === 1 && first !== undefined) return fit(`waiting for ${first[0]}: ${label(first[1])}`, width);
    if (this.size === 1 && unseen !== undefined) return fit(`waiting for ${unseen}`, width);
    const counts = [countByStatus([...this.#waits.values()]), this.#unseen.size > 0 ? `${this.#unseen.size} not polled yet` : ''];
    return fit(`waiting for ${this.size} videos: ${counts.filter(Boolean).join(', ')}`, width);
  }
}

function label(state: WaitState): string {
  const percent = percentLabel(state.progress);
  return `${statusLabel(state.status, state.rawStatus)}${percent === '' ? '' : ` ${percent}`}`;
}

/** `12 in_progress, 3 queued`, most common first. */
function countByStatus(states: WaitState[]): string {
  const counts = new Map<NormalizedStatus, number>();
  for (const state of states) counts.set(state.status, (counts.get(state.status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/** Cut to the terminal width, so that one row is one screen line and redraws stay aligned. */
export function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}
