import type { Writable } from 'node:stream';

/**
 * Resolves once everything written to the stream so far has left the process. A pipe's writes
 * are asynchronous: `write` returning true only means the chunk fits under the high-water mark
 * (64 KiB from Node 22), so ending the process right after it can cut the tail off. Writes
 * complete in order, so the callback of an empty write comes after every earlier one.
 */
export function flushStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
}
