import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

/** chalk's levels: 0 none, 1 basic 16 colours, 2 256 colours, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

export interface ColorLevelInput {
  /** `--no-color` was given. */
  noColorFlag: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether the stream the colours go to (stderr) is a terminal. */
  isTTY: boolean;
}

/**
 * Order: the flag (flag > env, as for every setting), then FORCE_COLOR, then NO_COLOR, then
 * the terminal. FORCE_COLOR beats NO_COLOR as it does in Node itself: it is the more specific,
 * usually per-invocation request (`FORCE_COLOR=1 ezvideo ... 2>log`), while NO_COLOR is
 * typically a standing preference in a shell profile.
 */
export function colorLevel(input: ColorLevelInput): ColorLevel {
  const { env } = input;
  if (input.noColorFlag) return 0;
  const forced = env['FORCE_COLOR'];
  if (forced !== undefined) return forcedLevel(forced);
  // https://no-color.org: present and not empty disables colour, whatever the value.
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return 0;
  if (!input.isTTY || env['TERM'] === 'dumb') return 0;
  const colorTerm = env['COLORTERM'];
  if (colorTerm === 'truecolor' || colorTerm === '24bit') return 3;
  if (env['TERM']?.includes('256') === true) return 2;
  return 1;
}

/** The FORCE_COLOR convention shared by chalk and Node: empty or `true` is 1, `false` is 0, 0-3 as given. */
function forcedLevel(value: string): ColorLevel {
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  const level = Number.parseInt(value, 10);
  // Set but unreadable (`FORCE_COLOR=yes`): the intent is still "colour", so basic colour.
  if (Number.isNaN(level)) return 1;
  return Math.min(Math.max(level, 0), 3) as ColorLevel;
}

/**
 * A chalk instance with a fixed level. Never chalk's default export: it guesses the level from
 * process.stdout, which is the wrong stream (we colour stderr) and invisible to tests.
 */
export function createChalk(level: ColorLevel): ChalkInstance {
  return new Chalk({ level });
}
