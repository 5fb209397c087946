import { chooseProgressMode } from '../ui/progress-mode.js';
import { colorLevel, createChalk } from '../ui/color.js';
import type { ChalkInstance } from 'chalk';
import { createReporter, type Reporter } from '../ui/reporter.js';
import type { CommandContext } from './context.js';

/** The colours a command's flags and terminal call for, for lines a command writes itself. */
export function commandChalk(context: CommandContext): ChalkInstance {
  const { io, options } = context;
  return createChalk(colorLevel({ noColorFlag: !options.color, env: io.env, isTTY: io.stderrIsTTY }));
}

/** The reporter a command's flags and terminal call for (bar, plain lines, or silent); see ReporterOptions.sayIdFailures. */
export function makeReporter(context: CommandContext, sayIdFailures: boolean): Promise<Reporter> {
  const { io, options } = context;
  return createReporter({
    mode: chooseProgressMode({ progress: options.progress, quiet: options.quiet, isTTY: io.stderrIsTTY, env: io.env }),
    stderr: io.stderr,
    color: commandChalk(context),
    sayIdFailures,
  });
}
