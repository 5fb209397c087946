import { type ErrorCode, EzvideoError } from '../errors.js';
import { idLine } from '../ui/messages.js';

/** How one id of a batch ended; `--json` prints one of these per id. */
export interface IdOutcome {
  id: string;
  exitCode: number;
  /** The failure's kind, as EzvideoError's `code`; undefined on success. */
  code?: ErrorCode | undefined;
  /** One line, for the summary and --json (no stack, no secrets). */
  message?: string | undefined;
  hint?: string | undefined;
  /** The system's or library's code behind the failure (ENOSPC), for --verbose and --json. */
  causeCode?: string | undefined;
  /** The failure itself, as the cause of a batch's error (not printed in --json). */
  error?: EzvideoError | undefined;
}

/** The outcome of an id whose work threw an expected failure; anything else (a bug) is rethrown. */
export function failedOutcome(id: string, error: unknown): IdOutcome & { error: EzvideoError } {
  if (!(error instanceof EzvideoError)) throw error;
  return { id, exitCode: error.exitCode, code: error.code, message: error.message, hint: error.hint, causeCode: error.causeCode, error };
}

/**
 * Several outcomes become one exit: that of the first failing id in input order, said as one
 * `error:` line that names the id once (the CLI adds the one `hint:`). A batch says how many
 * failed and which came first, the others having had their own line as they ended; `noun`
 * is what it counts (`create` counts jobs, named by their line).
 */
export function batchError(outcomes: readonly IdOutcome[], noun = 'ids'): EzvideoError | undefined {
  const failures = outcomes.filter((outcome) => outcome.exitCode !== 0);
  const first = failures[0];
  if (first === undefined) return undefined;
  const what = idLine(first.id, first.message ?? `exit code ${first.exitCode}`);
  const message = outcomes.length === 1 ? what : `${failures.length} of ${outcomes.length} ${noun} failed; the first: ${what}`;
  return new EzvideoError(first.code ?? 'server', message, {
    hint: first.hint,
    exitCode: first.exitCode as EzvideoError['exitCode'],
    causeCode: first.causeCode,
    cause: first.error,
  });
}

/** The failure fields of a `--json` line: its kind and the code behind it, for programs. */
export function failureJson(outcome: IdOutcome): { code: ErrorCode | null; causeCode: string | null } {
  return { code: outcome.code ?? null, causeCode: outcome.causeCode ?? null };
}
