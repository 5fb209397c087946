import { pollErrorLine, warningLine } from './event-text.js';
import type { Reporter, ReporterContext } from './reporter.js';

/**
 * `--quiet` / `--progress none`: no progress and no info, but warnings still show, because a
 * CI user who silenced the chatter still wants to hear that something is off (a server sending
 * HTML instead of video). That includes the engines' `download-warning` and `wait-poll-error` events. Errors are
 * printed by src/cli.ts, not here. Verbose lines show when asked for: an explicit request.
 */
export function createSilentReporter({ stream, chalk, verbose }: ReporterContext): Reporter {
  const warn = (message: string): void => {
    stream.write(`${warningLine(chalk, message)}\n`);
  };
  return {
    event: (event) => {
      if (event.type === 'download-warning') warn(`${event.id}: ${event.message}`);
      if (event.type === 'wait-poll-error') stream.write(`${pollErrorLine(chalk, event)}\n`);
    },
    info: () => {},
    warn,
    verbose: (message) => {
      if (verbose) stream.write(`${chalk.dim(message)}\n`);
    },
    close: () => {},
  };
}
