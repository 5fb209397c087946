import type { Writable } from 'node:stream';

/** A stream that was closed under the writer (its reader went away), as an error with a code. */
function closedError(): NodeJS.ErrnoException {
  return Object.assign(new Error('the output was closed before it took every byte'), { code: 'EPIPE' });
}

type Done = (error?: unknown) => void;

/**
 * Runs `start`, which calls `done` when what it waits for has happened (and returns how to stop
 * listening), and settles then; or rejects as soon as the stream fails or closes, or the signal
 * aborts. Every listener is removed either way: this runs once per chunk.
 */
function waitOn(stream: Writable, signal: AbortSignal | undefined, start: (done: Done) => (() => void) | void): Promise<void> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | void;
    let settled = false;
    const onError = (error: unknown): void => settle(error ?? closedError());
    const onClose = (): void => settle(closedError());
    const onAbort = (): void => settle(signal?.reason);
    const settle: Done = (error) => {
      settled = true;
      stop?.();
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    if (signal?.aborted) return settle(signal.reason);
    if (stream.destroyed) return settle(stream.errored ?? closedError());
    stream.on('error', onError);
    stream.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    stop = start(settle);
    // `start` may have called back at once, before `stop` existed.
    if (settled) stop?.();
  });
}

/** Waits for room in the stream's buffer after `write` returned false. */
export function drained(stream: Writable, signal?: AbortSignal): Promise<void> {
  return waitOn(stream, signal, (done) => {
    const onDrain = (): void => done();
    stream.on('drain', onDrain);
    return () => stream.off('drain', onDrain);
  });
}

/**
 * Resolves once everything written to the stream so far has left the process. A pipe's writes
 * are asynchronous: `write` returning true only means the chunk fits under the high-water mark
 * (64 KiB from Node 22), so ending the process right after it can cut the tail off. Writes
 * complete in order, so the callback of an empty write comes after every earlier one.
 */
export function flushed(stream: Writable, signal?: AbortSignal): Promise<void> {
  return waitOn(stream, signal, (done) => {
    stream.write(Buffer.alloc(0), (error) => done(error ?? undefined));
  });
}
