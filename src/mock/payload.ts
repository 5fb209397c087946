/**
 * What `/content` serves for a task: a byte source that can produce any range on demand, so
 * that a 4 GiB payload costs no memory, plus the metadata the HTTP layer announces.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export interface Payload {
  readonly size: number;
  readonly contentType: string;
  /** A strong validator, quotes included, as sent in `ETag`. */
  readonly etag: string;
  /** Whole seconds, as HTTP dates cannot carry more. */
  readonly lastModified: Date;
  /** Hex SHA-256 of the whole payload: what a correct download must hash to. */
  sha256(): Promise<string>;
  /** The bytes at [start, endInclusive], streamed. */
  stream(start?: number, endInclusive?: number): Readable;
  /** The same bytes as zero-copy views (at most 1 MiB each), for the server's own writer. */
  chunks(start: number, endInclusive: number): Iterable<Buffer>;
}

export interface PayloadSource {
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
  chunks(start: number, endInclusive: number): Iterable<Buffer>;
}

/** Hashing 1 GiB takes seconds: yield now and then so that the server keeps answering. */
const HASH_YIELD_EVERY = 64 * 1024 * 1024;

export function makePayload(source: PayloadSource): Payload {
  let digest: Promise<string> | undefined;
  const lastModified = new Date(Math.floor(source.lastModified.getTime() / 1000) * 1000);
  return {
    size: source.size,
    contentType: source.contentType,
    etag: source.etag,
    lastModified,
    chunks: (start, endInclusive) => source.chunks(start, endInclusive),
    sha256() {
      digest ??= (async () => {
        const hash = createHash('sha256');
        let sinceYield = 0;
        for (const chunk of source.chunks(0, source.size - 1)) {
          hash.update(chunk);
          sinceYield += chunk.length;
          if (sinceYield >= HASH_YIELD_EVERY) {
            sinceYield = 0;
            await yieldToEventLoop();
          }
        }
        return hash.digest('hex');
      })();
      return digest;
    },
    stream(start = 0, endInclusive = source.size - 1) {
      return Readable.from(source.chunks(start, endInclusive), { objectMode: false });
    },
  };
}

/** A payload held in memory (the committed sample files, a few KiB each). */
export function bufferSource(bytes: Buffer, contentType: string, etag: string, lastModified: Date): PayloadSource {
  return {
    size: bytes.length,
    contentType,
    etag,
    lastModified,
    *chunks(start, endInclusive) {
      if (endInclusive >= start) yield bytes.subarray(start, endInclusive + 1);
    },
  };
}
