import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { LockOwner } from '../core/output-lock.js';

/**
 * What a command may touch of the outside world, injected by src/cli.ts (the only module that
 * reads `process`), so that tests run a command with in-memory streams and a forced TTY flag.
 */
export interface CommandIO {
  /** Data only: results, `--json` lines, or file bytes with `-o -`. */
  stdout: Writable;
  /** Everything for humans: progress, warnings, errors. */
  stderr: Writable;
  stdin: Readable;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (decides bar/spinner vs plain lines). */
  stderrIsTTY: boolean;
  /** Aborted when the user interrupts (SIGINT/SIGTERM); `signal.reason` is the EzvideoError to end with. */
  signal: AbortSignal;
  /** This process, for output locks that a crashed run left behind; without it locks never expire. */
  lockOwner?: LockOwner | undefined;
}

/** The text of the file at `path`, or of stdin for `-` (the API key file, a prompt, a manifest). */
export function readFileOrStdin(path: string, io: Pick<CommandIO, 'stdin'>): Promise<string> {
  return path === '-' ? text(io.stdin) : readFile(path, 'utf8');
}
