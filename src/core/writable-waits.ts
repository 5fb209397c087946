import type { Writable } from 'node:stream';

/** A stream that was closed under the writer (its reader went away), as an error with a code. */
function closedError(): NodeJS.ErrnoException {
  return Object.assign(new Error('the output was closed before it took every byte'), { code: 'EPIPE' });
}

/**
 * Settles once `event` happens on the stream, or rejects when the stream fails, closes first,
 * or the signal aborts; listeners are removed either way (this runs once per chunk).
 */
function waitFor(stream: Writable, event: 'drain' | 'flushed', signal: AbortSignal | undefined, start?: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: unknown): void => settle(error ?? closedError());
    const onClose = (): void => settle(closedError());
    const onAbort = (): void => settle(signal?.reason);
    const onDrain = (): void => settle();
    const settle = (error?: unknown): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    if (signal?.aborted) return settle(signal.reason);
    if (stream.destroyed) return settle(stream.errored ?? closedError());
    if (event === 'drain') stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    start?.(settle);
  });
}

/** Waits for room in the stream's buffer after `write` returned false. */
export function drained(stream: Writable, signal?: AbortSignal): Promise<void> {
  return waitFor(stream, 'drain', signal);
}

/**
 * Resolves once everything written to the stream so far has left the process. A pipe's writes
 * are asynchronous: `write` returning true only means the chunk fits under the high-water mark
 * (64 KiB from Node 22), so ending the process right after it can cut the tail off. Writes
 * complete in order, so the callback of an empty write comes after every earlier one.
 */
export function flushed(stream: Writable, signal?: AbortSignal): Promise<void> {
  return waitFor(stream, 'flushed', signal, (done) => {
    stream.write(Buffer.alloc(0), (error) => done(error ?? undefined));
  });
}
