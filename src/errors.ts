/**
 * The one place where failures get a stable code and an exit code.
 *
 * Every expected failure is an EzvideoError: a stable string `code` that programs switch on
 * (never the message text), the process exit code from the table in the README, an optional
 * one-line hint for humans, and the underlying `cause`. Anything else reaching the top-level
 * catch is a bug and exits 1.
 */

export const ExitCode = {
  success: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  notReady: 5,
  generationFailed: 6,
  expired: 7,
  network: 8,
  output: 9,
  /** A create was sent and no answer came: a task may exist (and be billed), or not. */
  uncertain: 10,
  /** A file landed but its `--exec` hook (or the batch's `--exec-after`) failed; the file stays. */
  hook: 11,
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'usage'
  | 'auth'
  | 'not_found'
  | 'not_ready'
  | 'generation_failed'
  | 'expired'
  | 'network'
  | 'server'
  | 'output'
  | 'integrity'
  | 'uncertain'
  | 'hook'
  | 'interrupted';

const exitCodeOf: Record<ErrorCode, ExitCodeValue> = {
  usage: ExitCode.usage,
  auth: ExitCode.auth,
  not_found: ExitCode.notFound,
  not_ready: ExitCode.notReady,
  generation_failed: ExitCode.generationFailed,
  expired: ExitCode.expired,
  network: ExitCode.network,
  server: ExitCode.network,
  output: ExitCode.output,
  integrity: ExitCode.output,
  uncertain: ExitCode.uncertain,
  hook: ExitCode.hook,
  interrupted: ExitCode.sigint,
};

export interface EzvideoErrorOptions {
  hint?: string | undefined;
  cause?: unknown;
  /** Overrides the exit code that `code` implies (e.g. 143 for an interruption by SIGTERM). */
  exitCode?: ExitCodeValue | undefined;
  /** The system's or library's own code for the cause (ENOSPC, UND_ERR_SOCKET): for --verbose and --json, never in the message. */
  causeCode?: string | undefined;
}

export class EzvideoError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly causeCode: string | undefined;

  constructor(code: ErrorCode, message: string, options: EzvideoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EzvideoError';
    this.code = code;
    this.exitCode = options.exitCode ?? exitCodeOf[code];
    this.hint = options.hint;
    this.causeCode = options.causeCode;
  }
}

/** An HTTP answer that is not the one asked for, with what the server said about it. */
export class HttpError extends EzvideoError {
  readonly status: number;
  /** The server's own error code (`video_not_found`, `task_not_exist`, ...), when it gave one. */
  readonly serverCode: string | undefined;
  readonly serverMessage: string | undefined;
  /** How long the server asked us to wait before trying again (Retry-After, retry-after-ms). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: {
      status: number;
      serverCode?: string | undefined;
      serverMessage?: string | undefined;
      retryAfterMs?: number | undefined;
    },
    options: EzvideoErrorOptions = {},
  ) {
    super(code, message, options);
    this.name = 'HttpError';
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.serverMessage = details.serverMessage;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export function usageError(message: string, hint?: string): EzvideoError {
  return new EzvideoError('usage', message, { hint });
}

/** What an interrupted command ends with: 130 for SIGINT, 143 for SIGTERM. */
export function interruptionError(signal: 'SIGINT' | 'SIGTERM'): EzvideoError {
  return new EzvideoError('interrupted', `interrupted by ${signal}`, {
    exitCode: signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm,
    hint: 'Run the same command again: downloads resume from what they kept, waits find the tasks where they are.',
  });
}
