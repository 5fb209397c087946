import { toNetworkError } from '../api/network-error.js';
import { discardBody, type HttpResponse } from '../api/transport.js';
import { writeBodyAt } from './body-pump.js';
import type { ContentSource } from './content-source.js';
import { toOutputError, TruncatedTransferError } from './download-errors.js';
import { doneBytes, type RangesState, writeRangesState } from './part-state.js';
import { decideResume, refusalReason } from './resume-decision.js';

export interface RangeTransferSettings {
  source: ContentSource;
  id: string;
  signal: AbortSignal | undefined;
  /** Where the RangesState is kept (`<out>.part.ranges.json`). */
  statePath: string;
  /** A positional write into the part file. */
  write: (buffers: Buffer[], position: number) => Promise<void>;
  /** Awaited for every chunk of every range before it is taken (the run's rate limit). */
  admit?: ((bytes: number) => Promise<void>) | undefined;
  /** Bytes on disk over all ranges, after every write. */
  onProgress: (bytes: number) => void;
  now: () => number;
}

/** The answer that proved range support, already open: it becomes the transfer of one range. */
export interface OpenRange {
  index: number;
  response: HttpResponse;
}

/**
 * A range request was not answered with exactly that range of the same file (a 200, another
 * Content-Range or size, another ETag, a 416): the server does not, or no longer, honours
 * ranges for this file, and the download must go on over one connection.
 */
export class RangesNotHonouredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangesNotHonouredError';
  }
}

/** The side state is rewritten at most this often while bytes arrive (and always at the end). */
const saveEveryMs = 1000;

/**
 * Why an answer to `Range: bytes=from-last` is not that range of this file, or undefined if it
 * is: the one resume rule (resume-decision.ts), with the range's end and the recorded ETag.
 */
function mismatch(response: HttpResponse, from: number, last: number, state: RangesState): string | undefined {
  const verdict = decideResume(
    { offset: from, end: last + 1, probing: false, recorded: { etag: state.etag, totalBytes: state.totalBytes }, proveSameFile: true },
    { status: response.status, headers: response.headers },
  );
  return refusalReason(verdict);
}

/**
 * Fetches every unfinished range of `state` at once, each over its own connection with `Range`
 * and `If-Range`, writing in place into the part file and advancing `state` as bytes land.
 * The first failure stops the others (their received bytes are written and recorded first), so
 * that the next attempt reconnects every unfinished range after the retry delay. Throws
 * RangesNotHonouredError when an answer is not the range asked for.
 */
export async function transferRanges(state: RangesState, first: OpenRange | undefined, settings: RangeTransferSettings): Promise<void> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(settings.signal?.reason);
  settings.signal?.addEventListener('abort', onAbort, { once: true });
  if (settings.signal?.aborted) onAbort();
  if (first !== undefined) {
    // Opened under the download's own signal: a failure of another range must stop it too.
    controller.signal.addEventListener('abort', () => first.response.body.destroy(controller.signal.reason as Error), { once: true });
  }

  let saving: Promise<void> = Promise.resolve();
  let savedAt = settings.now();
  let saveError: unknown;
  const save = (): Promise<void> => {
    savedAt = settings.now();
    // Chained, so two writers never race on the temporary file; each writes the state as it is
    // by then, which never claims a byte that is not on disk (`done` moves after the write).
    saving = saving.then(() =>
      writeRangesState(settings.statePath, state).catch((error: unknown) => {
        saveError ??= toOutputError(error, settings.statePath);
      }),
    );
    return saving;
  };

  const fetchRange = async (index: number): Promise<void> => {
    const range = state.ranges[index];
    if (range === undefined) return;
    const from = range.start + range.done;
    let response: HttpResponse;
    if (first?.index === index) {
      response = first.response;
    } else {
      response = await settings.source.open({
        headers: { 'accept-encoding': 'identity', range: `bytes=${from}-${range.end - 1}`, 'if-range': state.etag },
        signal: controller.signal,
      });
      const problem = mismatch(response, from, range.end - 1, state);
      if (problem !== undefined) {
        discardBody(response);
        throw new RangesNotHonouredError(`${settings.id}: asked for bytes ${from}-${range.end - 1}, ${problem}`);
      }
    }
    try {
      await writeBodyAt(response.body, {
        position: from,
        limit: range.end - from,
        write: settings.write,
        admit: settings.admit,
        onWritten: (bytes) => {
          range.done = from - range.start + bytes;
          settings.onProgress(doneBytes(state.ranges));
          if (settings.now() - savedAt >= saveEveryMs) void save();
        },
        now: settings.now,
      });
    } catch (error) {
      throw toNetworkError(error, `${settings.id}: download of bytes ${from}-${range.end - 1}`);
    }
    if (range.start + range.done < range.end) {
      throw new TruncatedTransferError(`${settings.id}: the server sent ${range.done - (from - range.start)} of ${range.end - from} bytes of the range ${from}-${range.end - 1} and closed the transfer`);
    }
  };

  let failure: { error: unknown } | undefined;
  try {
    // Before any byte lands out of order: from now on the part file may have holes.
    await save();
    if (saveError !== undefined) throw saveError;
    const unfinished = state.ranges.flatMap((range, index) => (range.done < range.end - range.start ? [index] : []));
    await Promise.all(
      unfinished.map((index) =>
        fetchRange(index).catch((error: unknown) => {
          if (failure !== undefined) return;
          failure = { error };
          controller.abort(error);
        }),
      ),
    );
  } finally {
    settings.signal?.removeEventListener('abort', onAbort);
    if (first !== undefined && !first.response.body.destroyed) discardBody(first.response);
    await save();
  }
  if (settings.signal?.aborted) throw settings.signal.reason;
  if (failure !== undefined) throw failure.error;
  if (saveError !== undefined) throw saveError;
}
