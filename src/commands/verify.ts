import { EzvideoError, ExitCode, usageError } from '../errors.js';
import { checkFileStructure, UnreadableFileError, type StructureKind } from '../core/integrity/check-structure.js';
import type { CommandIO } from './io.js';

/**
 * `ezvideo verify <file...>`: the structure check a download runs before its rename, on files
 * already on disk (fetched by curl, wget or an SDK, which all report success on a transfer that a
 * gateway ended cleanly in the middle). Files on disk have no Content-Type: the type comes from
 * their own first bytes.
 *
 * Each file's result is the command's output, so it goes to stdout (one line, or one JSON object
 * per line with --json); the closing summary for humans goes to stderr.
 */

export interface VerifyOptions {
  json: boolean;
  verbose: boolean;
}

interface FileResult {
  path: string;
  ok: boolean;
  kind: StructureKind;
  checked: boolean;
  /** Null when the file could not be read. */
  bytes: number | null;
  reason?: string;
}

export async function runVerify(files: string[], options: VerifyOptions, io: CommandIO): Promise<number> {
  if (files.length === 0) throw usageError('verify needs at least one file', 'Run it as `ezvideo verify <file...>`.');
  let damaged = 0;
  let unreadable = 0;
  for (const path of files) {
    throwIfInterrupted(io.signal);
    const result = await verifyOne(path);
    if (!result.ok && result.bytes === null) unreadable += 1;
    else if (!result.ok) damaged += 1;
    io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${formatLine(result, options.verbose)}\n`);
  }
  const failures = damaged + unreadable;
  if (failures === 0) return ExitCode.success;
  const hints = [
    damaged > 0 ? 'A damaged file cannot be repaired: download it again (`ezvideo download` lands only whole files).' : undefined,
    unreadable > 0 ? 'Check the names of the files that could not be read, and their permissions.' : undefined,
  ];
  throw new EzvideoError('integrity', `${failures} of ${files.length} file${files.length === 1 ? '' : 's'} failed verification`, {
    hint: hints.filter((hint) => hint !== undefined).join(' '),
  });
}

async function verifyOne(path: string): Promise<FileResult> {
  try {
    const check = await checkFileStructure(path, undefined);
    const result: FileResult = { path, ok: check.ok, kind: check.kind, checked: check.checked, bytes: check.bytes };
    if (check.reason !== undefined) result.reason = check.reason;
    return result;
  } catch (error) {
    // An unreadable file is a failed verification of that file; the other files still get theirs.
    if (!(error instanceof UnreadableFileError)) throw error;
    return { path, ok: false, kind: 'none', checked: false, bytes: null, reason: `cannot read: ${error.why}` };
  }
}

function formatLine(result: FileResult, verbose: boolean): string {
  const path = printable(result.path);
  if (!result.ok) return `FAILED  ${path}: ${result.reason ?? 'structure check failed'}`;
  if (result.checked) return `ok      ${path}  (${result.kind}, ${result.bytes} bytes)`;
  // Passing unchecked is said plainly only when asked: by default the line stays short.
  return verbose && result.reason !== undefined
    ? `ok      ${path}  (${result.bytes} bytes; ${result.reason})`
    : `ok      ${path}  (${result.bytes} bytes, unchecked)`;
}

/** A file name with a newline or other control character would break one-line-per-file. */
function printable(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/**
 * Stops between files once interrupted. src/cli.ts aborts with the EzvideoError to report; a
 * bare signal name (what io.ts documents, and what test helpers pass) is turned into one.
 */
function throwIfInterrupted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  if (signal.reason instanceof EzvideoError) throw signal.reason;
  const bySigterm = signal.reason === 'SIGTERM';
  throw new EzvideoError('interrupted', `interrupted by ${bySigterm ? 'SIGTERM' : 'SIGINT'}`, {
    exitCode: bySigterm ? ExitCode.sigterm : ExitCode.sigint,
  });
}
