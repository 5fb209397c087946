import { spawn, type ChildProcess } from 'node:child_process';
import { EzvideoError } from '../errors.js';
import { idLine } from '../ui/messages.js';

/*
 * The hooks `--exec <command>` (after each file lands) and `--exec-after <command>` (once, after
 * the batch). Both run the user's command through /bin/sh.
 *
 * Safety: the command string is the user's own text and is passed to the shell untouched.
 * Everything that comes from the server (the id, and the path, which is built from server
 * values) travels ONLY as an argument ($1) or in the environment, never spliced into the command
 * string: the shell never parses it, so a file named `$(rm -rf ~)` or `a'; reboot; '` is just
 * bytes in "$1". Do not build a command line out of such values here, ever.
 *
 * Output: ezvideo's stdout carries data (the --json lines, or the video bytes with `-o -`), so the
 * hook never gets it: the hook's stdout and stderr both go to ezvideo's stderr, as they come.
 */

export type HookFlag = '--exec' | '--exec-after';

export interface HookRun {
  command: string;
  /** Which hook ran, for the words of its failure. */
  flag: HookFlag;
  /** The file the hook ran on (`--exec`); undefined for `--exec-after`. */
  path: string | undefined;
  /** 0 on success */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** the last ≤ 2 KiB of its stderr, UTF-8, trimmed */
  stderrTail: string;
}

export interface LandedFile {
  path: string;
  id: string;
  variant: string;
  sha256: string | undefined;
  contentType: string | undefined;
}

export interface HookOptions {
  env: Readonly<Record<string, string | undefined>>;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** How much of the hook's stderr is kept for `--json` and the error: its end, where the reason usually is. */
export const stderrTailBytes = 2048;

const shell = '/bin/sh';
/** `$0` of the hook, which is also the name the shell puts in front of its own error messages. */
const scriptName = 'ezvideo';

/** `--exec`: runs `command` through /bin/sh after a file landed, the path as $1. Resolves with how it ended; never rejects for the command failing. */
export function runFileHook(command: string, file: LandedFile, options: HookOptions): Promise<HookRun> {
  const env = {
    ...options.env,
    EZVIDEO_ID: file.id,
    EZVIDEO_PATH: file.path,
    EZVIDEO_SHA256: file.sha256 ?? '',
    EZVIDEO_VARIANT: file.variant,
    EZVIDEO_CONTENT_TYPE: file.contentType ?? '',
  };
  // No stdin ('ignore' gives it /dev/null): a hook that reads stdin must not eat the ids that
  // ezvideo itself may still be reading from its own stdin.
  return runHook({ command, flag: '--exec', path: file.path }, [file.path], env, undefined, options);
}

/** `--exec-after`: runs once after the batch, `stdinText` (the --json lines) on its stdin. */
export function runBatchHook(command: string, stdinText: string, options: HookOptions): Promise<HookRun> {
  return runHook({ command, flag: '--exec-after', path: undefined }, [], options.env, stdinText, options);
}

/** The EzvideoError (code 'hook', exit 11) for a hook that failed: one line naming the subject (an id, or "the batch"), how the command ended, and that the file stays. */
export function hookError(run: HookRun, subject: string): EzvideoError {
  const kept = run.path === undefined ? 'the downloaded files stay' : `the file stays at ${run.path}`;
  const message = idLine(subject, `${run.flag} ${howItEnded(run)}; ${kept}`);
  const hint =
    run.path === undefined
      ? 'Fix the command and run it on the --json results yourself, or re-run with --skip-existing to run it again.'
      : 'Fix the command and run it on the file yourself, or re-run with --skip-existing to run it again.';
  return new EzvideoError('hook', message, { hint });
}

function howItEnded(run: HookRun): string {
  if (run.signal !== null) return `was stopped by ${run.signal}`;
  if (run.status !== null) return `exited with status ${run.status}`;
  return 'could not be started';
}

function runHook(
  what: Pick<HookRun, 'command' | 'flag' | 'path'>,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  stdinText: string | undefined,
  options: HookOptions,
): Promise<HookRun> {
  const ended = (status: number | null, signal: NodeJS.Signals | null, stderrTail: string): HookRun => ({
    ...what,
    status,
    signal,
    stderrTail,
  });
  // Interrupted before it began: starting it only to kill it could still let it act halfway.
  if (options.signal.aborted) return Promise.resolve(ended(null, null, 'not started: ezvideo was interrupted'));

  let child: ChildProcess;
  try {
    child = spawn(shell, ['-c', what.command, scriptName, ...args], {
      env,
      stdio: [stdinText === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    // spawn throws (rather than emitting 'error') for arguments it refuses, such as a NUL byte
    // in a value, or an argument list beyond the system's limit.
    return Promise.resolve(ended(null, null, messageOf(error)));
  }

  return new Promise<HookRun>((resolve) => {
    const tail = new ByteTail(stderrTailBytes);
    let spawnError: string | undefined;
    let exit: { status: number | null; signal: NodeJS.Signals | null } | undefined;

    const forward = (chunk: Buffer): void => {
      // A destroyed or ended stderr would turn the write into an 'error' event nobody handles.
      if (options.stderr.writable) options.stderr.write(chunk);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      forward(chunk);
    });

    if (child.stdin && stdinText !== undefined) {
      // A hook that does not read its stdin closes the pipe under the write (EPIPE); what it does
      // with the text is its own business, and how it ends is its status.
      child.stdin.on('error', () => {});
      child.stdin.end(stdinText);
    }

    // After an interruption, do not wait for whatever the shell started and left behind still
    // holding its output pipes (the `sleep` of `sleep 30; ...` outlives a killed sh): once the
    // hook itself has ended, stop reading them.
    const stopReading = (): void => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const onAbort = (): void => {
      if (exit === undefined) child.kill('SIGTERM');
      else stopReading();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      // Only a failed spawn leaves no pid; other 'error' events (a failed kill) say nothing of how the hook ends.
      if (child.pid === undefined) spawnError = messageOf(error);
    });
    child.on('exit', (status, signal) => {
      exit = { status, signal };
      if (options.signal.aborted) stopReading();
    });
    // 'close' comes once the process ended and its output pipes are drained (or, for a spawn
    // failure, once they are closed), so the tail holds everything the hook wrote.
    child.on('close', () => {
      options.signal.removeEventListener('abort', onAbort);
      if (spawnError !== undefined) resolve(ended(null, null, spawnError));
      else resolve(ended(exit?.status ?? null, exit?.signal ?? null, tail.text()));
    });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last `limit` bytes written to it, as trimmed UTF-8 that does not begin inside a character. */
class ByteTail {
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    // Drop whole chunks that lie entirely before the last `limit` bytes, so memory stays bounded.
    while (this.chunks.length > 1 && this.length - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.length -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    const bytes = Buffer.concat(this.chunks).subarray(-this.limit);
    let start = 0;
    // UTF-8 continuation bytes (10xxxxxx) at the cut belong to a character that was cut off.
    while (start < bytes.length && start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1;
    return bytes.subarray(start).toString('utf8').trim();
  }
}
