/**
 * Moving a response body to where it goes, with memory flat whatever the size: into a sink in
 * order (stdout), or into the part file with positional writes gathered in batches.
 */
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

export interface RangeWriteOptions {
  /** Where in the file the body's first byte goes. */
  position: number;
  /** Take at most this many bytes, then stop reading (the rest of the body is dropped). */
  limit?: number | undefined;
  /** A positional write of several buffers at once (one `pwritev`); rejects with the caller's error. */
  write: (buffers: Buffer[], position: number) => Promise<void>;
  /** Every byte taken, in order, as it arrives (the streaming sha256). */
  onData?: ((chunk: Buffer) => void) | undefined;
  /**
   * Awaited for every chunk before it is taken, with its length (what is taken of it): the size
   * limit and the rate limit. A rejection ends the transfer with that error; the bytes taken
   * before it are still written. The body is not read on while it waits.
   */
  admit?: ((bytes: number) => Promise<void>) | undefined;
  /** The number of bytes on disk so far, after every completed write. */
  onWritten: (bytes: number) => void;
  now: () => number;
}

/**
 * Chunks are gathered until a batch holds this many bytes (so a write is at most this plus one
 * chunk): a socket hands out 64 KiB at a time, and one awaited write per chunk costs a
 * thread-pool round trip each (the download used to wait on them one by one, with the network
 * idle in between). Not more, because on a virtual machine that hands freed memory back to its
 * host (the 2-core machines this was measured on do), large writes cost far more system time:
 * `dd` wrote 1 GiB with 1.8 s of it in 1 MiB blocks, 0.2 s in 128 KiB blocks. Not less, because
 * each batch is a thread-pool round trip, and 128 KiB batches, written one at a time, made the
 * 1 GiB download slower (1.75 s) than either. In 12 rounds of a curl run then a 1 GiB download
 * from the local simulator, the median went from 1.50 s wall and 2.06 s CPU with 1 MiB batches
 * to 1.42 s and 1.74 s with these. Only right after a large file is deleted, its memory still in
 * the guest, are 1 MiB batches faster (1.2 s against 1.3 s).
 */
const batchBytes = 512 * 1024;
/** On a slow link a batch is written after this long anyway, so the part file keeps up. */
const batchDelayMs = 250;

/**
 * Streams a response body into a file at a position, in batches written with one `writev` each
 * while the next batch fills: the disk and the network work at the same time, and the body is
 * not read further while one write is in flight and a full batch waits (its backpressure reaches
 * the socket), so memory stays at about two batches whatever the size. Bytes already received
 * are written before an error is passed on, so a retry resumes after them. Returns the bytes
 * written.
 */
export async function writeBodyAt(body: Readable, options: RangeWriteOptions): Promise<number> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let taken = 0;
  let written = 0;
  let batch: Buffer[] = [];
  let pending = 0;
  let batchStartedAt = 0;
  let inFlight: Promise<void> | undefined;
  let writing = false;
  let writeError: { error: unknown } | undefined;

  const settle = async (): Promise<void> => {
    if (inFlight !== undefined) await inFlight;
    inFlight = undefined;
    if (writeError !== undefined) throw writeError.error;
  };
  const flush = async (): Promise<void> => {
    await settle();
    if (pending === 0) return;
    const buffers = batch;
    const bytes = pending;
    const position = options.position + written;
    batch = [];
    pending = 0;
    writing = true;
    // The rejection is kept, not left unhandled while the loop awaits the body; `settle` throws it.
    inFlight = options.write(buffers, position).then(
      () => {
        writing = false;
        written += bytes;
        options.onWritten(written);
      },
      (error: unknown) => {
        writing = false;
        writeError = { error };
      },
    );
  };

  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const piece = taken + chunk.length > limit ? chunk.subarray(0, limit - taken) : chunk;
      if (options.admit !== undefined) {
        await options.admit(piece.length).catch((error: unknown) => {
          // As for the break below: the body destroyed by leaving the loop reports an error nobody awaits.
          body.on('error', () => {});
          throw error;
        });
      }
      if (pending === 0) batchStartedAt = options.now();
      options.onData?.(piece);
      batch.push(piece);
      pending += piece.length;
      taken += piece.length;
      if (pending >= batchBytes || (!writing && options.now() - batchStartedAt >= batchDelayMs)) await flush();
      if (taken >= limit) {
        // Leaving the loop destroys the body; undici reports that as an error nobody awaits.
        body.on('error', () => {});
        break;
      }
    }
  } finally {
    await flush();
    await settle();
  }
  return written;
}
