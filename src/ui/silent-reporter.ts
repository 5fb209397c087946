import { failedLine, pollErrorLine, waitDoneLine } from './event-text.js';
import { idWarningLine } from './messages.js';
import type { Reporter, ReporterContext } from './reporter.js';

/**
 * `--quiet` / `--progress none`: no progress and no info, but warnings still show, because a
 * CI user who silenced the chatter still wants to hear that something is off (a server sending
 * HTML instead of video): the engines' `download-warning` and `wait-poll-error` events. The
 * failure of each id of a batch shows too (an error is never chatter); the command's closing
 * error and hint are printed by src/cli.ts.
 */
export function createSilentReporter({ stream, chalk, sayIdFailures }: ReporterContext): Reporter {
  return {
    event: (event) => {
      if (event.type === 'download-warning') stream.write(`${idWarningLine(chalk, event.id, event.message)}\n`);
      if (event.type === 'wait-poll-error') stream.write(`${pollErrorLine(chalk, event)}\n`);
      if (!sayIdFailures) return;
      if (event.type === 'download-failed') stream.write(`${failedLine(chalk, event)}\n`);
      if (event.type === 'wait-done' && event.exitCode !== 0) stream.write(`${waitDoneLine(chalk, event, undefined)}\n`);
    },
    close: () => {},
  };
}
