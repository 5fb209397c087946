import type { Readable } from 'node:stream';

/**
 * Moves a response body into a sink chunk by chunk, awaiting each write so memory stays flat
 * whatever the size (the sink's own backpressure is the only buffer). `onProgress` is called for
 * every chunk and once more, forced, at the end: give it a throttled report (throttleProgress).
 */
export async function pumpBody(
  body: Readable,
  write: (chunk: Buffer) => Promise<void>,
  onProgress: (bytes: number, force?: boolean) => void,
): Promise<number> {
  let bytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      await write(chunk);
      bytes += chunk.length;
      onProgress(bytes);
    }
  } finally {
    onProgress(bytes, true);
  }
  return bytes;
}
