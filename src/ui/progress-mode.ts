/** What `--progress` accepts. */
export type ProgressSetting = 'auto' | 'bar' | 'line' | 'none';

/** How progress is actually shown: live bars and spinners, plain log lines, or nothing. */
export type ProgressMode = 'bar' | 'line' | 'none';

export interface ProgressModeInput {
  progress: ProgressSetting;
  quiet: boolean;
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** `CI=false` and `CI=0` are how people switch a CI flag off, so they do not count as set. */
export function isCI(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `--quiet` wins even over an explicit `--progress bar|line`: quiet is the stronger, narrower
 * request ("nothing but warnings and errors"), and scripts often add it to a command line that
 * already carries other flags. An explicit `bar` or `line` otherwise wins over detection, so a
 * user can force bars into a pipe (e.g. under `script`) or plain lines on a terminal.
 */
export function chooseProgressMode(input: ProgressModeInput): ProgressMode {
  if (input.quiet || input.progress === 'none') return 'none';
  if (input.progress !== 'auto') return input.progress;
  if (!input.isTTY || isCI(input.env) || input.env['TERM'] === 'dumb') return 'line';
  return 'bar';
}
