import type { Readable } from 'node:stream';

/**
 * Moves a response body into a sink chunk by chunk, awaiting each write so memory stays flat
 * whatever the size (the sink's own backpressure is the only buffer), and reports the running
 * count at most every `everyMs` so progress costs nothing on the hot path.
 */
export async function pumpBody(
  body: Readable,
  write: (chunk: Buffer) => Promise<void>,
  onProgress: (bytes: number) => void,
  now: () => number,
  everyMs = 100,
): Promise<number> {
  let bytes = 0;
  let reportedAt = now();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      await write(chunk);
      bytes += chunk.length;
      const time = now();
      if (time - reportedAt >= everyMs) {
        reportedAt = time;
        onProgress(bytes);
      }
    }
  } finally {
    onProgress(bytes);
  }
  return bytes;
}
