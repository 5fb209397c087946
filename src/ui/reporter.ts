import type { Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import type { EngineEvent } from '../core/events.js';
import { createChalk } from './color.js';
import type { ColorLevel } from './color.js';
import { createLineReporter } from './line-reporter.js';
import type { ProgressMode } from './progress-mode.js';
import { createSilentReporter } from './silent-reporter.js';

/**
 * Everything a command says to a human goes through one of these, to stderr. The methods are
 * plain functions (no `this`), so `reporter.event` can be handed to an engine as its EventSink.
 */
export interface Reporter {
  event(event: EngineEvent): void;
  /**
   * Stops bars and spinners and leaves the cursor, shown again, at the start of a fresh line.
   * Idempotent; call it in a `finally`, as bar mode hides the cursor while it draws.
   */
  close(): void;
}

export interface ReporterOptions {
  mode: ProgressMode;
  stderr: Writable;
  /** A chalk instance made with a fixed level (see createChalk), or the level itself. */
  color: ChalkInstance | ColorLevel;
  /**
   * Whether an id's failure gets its own line. A command about one id says it once, in its
   * closing `error:` line, and passes false: the reporter then drops that id's bar quietly.
   */
  sayIdFailures?: boolean;
  /** Milliseconds clock for speeds, ETAs and the pace of progress lines; tests inject one. */
  now?: () => number;
}

/** What each mode's reporter is built from. */
export interface ReporterContext {
  stream: Writable;
  chalk: ChalkInstance;
  sayIdFailures: boolean;
  now: () => number;
}

/**
 * Async because bar mode's module (cli-progress, ora and their dependencies: about 48 ms and
 * 12 MiB here) is loaded only when bars are drawn; piped and CI runs never pay for it.
 */
export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  const context: ReporterContext = {
    stream: options.stderr,
    chalk: typeof options.color === 'number' ? createChalk(options.color) : options.color,
    sayIdFailures: options.sayIdFailures ?? true,
    now: options.now ?? Date.now,
  };
  switch (options.mode) {
    case 'bar': {
      const { createBarReporter } = await import('./bar-reporter.js');
      return createBarReporter(context);
    }
    case 'line':
      return createLineReporter(context);
    case 'none':
      return createSilentReporter(context);
  }
}
