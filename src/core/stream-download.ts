import type { Hash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { toNetworkError } from '../api/network-error.js';
import { discardBody } from '../api/transport.js';
import { EzvideoError } from '../errors.js';
import { pumpBody } from './body-pump.js';
import { parseContentLength } from './content-range.js';
import type { ContentSource } from './content-source.js';
import { toOutputError, TruncatedTransferError } from './download-errors.js';
import { type AttemptResult, type EventSink, throttleProgress } from './events.js';
import { mediaType } from './file-name.js';
import { ifRangeValidator } from './part-state.js';
import type { RateLimiter } from './rate-limit.js';
import { decideResume, refusalReason } from './resume-decision.js';
import { SizeGuard, type SizeLimits } from './size-limits.js';
import { drained, flushed } from './writable-waits.js';

export interface StreamDownloadSettings {
  source: ContentSource;
  id: string;
  stream: Writable;
  signal: AbortSignal | undefined;
  emit: EventSink;
  now: () => number;
  /** Makes the sha256 of the bytes; undefined: nothing is hashed (the result's sha256 is undefined). */
  createHash: (() => Hash) | undefined;
  sizeLimits: SizeLimits;
  /** The run's one rate limit, shared with every other download of the run. */
  rateLimit: RateLimiter | undefined;
}

/**
 * `-o -`: the bytes go to a stream that cannot be rewound. A retry may only continue where it
 * stopped (a 206 at exactly that offset); once bytes are out, a server that restarts from zero
 * makes the download fail rather than send the start twice.
 */
export class StreamDownload {
  readonly #settings: StreamDownloadSettings;
  readonly #hash: Hash | undefined;
  #offset = 0;
  #etag: string | undefined;
  #lastModified: string | undefined;
  #total: number | undefined;
  #contentType: string | undefined;
  #attempts = 0;
  #advanced = false;
  /** A retry continued the stream with a 206. */
  #resumed = false;
  readonly #size: SizeGuard;

  constructor(settings: StreamDownloadSettings) {
    this.#settings = settings;
    this.#hash = settings.createHash?.();
    this.#size = new SizeGuard(settings.id, settings.sizeLimits, true);
  }

  get source(): ContentSource {
    return this.#settings.source;
  }

  get attempts(): number {
    return this.#attempts;
  }

  get lastAttemptAdvanced(): boolean {
    return this.#advanced;
  }

  async #write(chunk: Buffer): Promise<void> {
    const { stream, signal, rateLimit } = this.#settings;
    // Checked before the chunk goes out: no byte past the limit reaches the reader.
    this.#size.growing(this.#offset + chunk.length);
    await rateLimit?.take(chunk.length, signal);
    this.#hash?.update(chunk);
    this.#offset += chunk.length;
    if (!stream.write(chunk)) await this.#outputWait(drained(stream, signal));
  }

  /**
   * The output failing (its reader went away) is an output error: exit 9, and not retried,
   * since a retry would only write to the same dead stream. An abort stays what it is.
   */
  async #outputWait(waiting: Promise<void>): Promise<void> {
    try {
      await waiting;
    } catch (error) {
      if (this.#settings.signal?.aborted) throw error;
      throw toOutputError(error, 'stdout');
    }
  }

  async attempt(): Promise<AttemptResult> {
    const { id, source, stream, signal, emit, now } = this.#settings;
    this.#attempts += 1;
    this.#advanced = false;
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (this.#offset > 0) {
      headers['range'] = `bytes=${this.#offset}-`;
      const validator = ifRangeValidator({ etag: this.#etag, lastModified: this.#lastModified });
      if (validator !== undefined) headers['if-range'] = validator;
    }
    const response = await source.open({ headers, signal });
    if (this.#offset > 0) {
      // A weak ETag cannot go in If-Range, so a server may answer a 206 of a file that changed
      // meanwhile; the resume decision compares its ETag (weak or strong) with the first one.
      const verdict = decideResume(
        { offset: this.#offset, probing: false, recorded: { etag: this.#etag, totalBytes: this.#total }, proveSameFile: false },
        response,
      );
      const refusal = refusalReason(verdict);
      if (refusal !== undefined) {
        discardBody(response);
        // 'server', not 'network': not retried, since another request cannot continue either;
        // it would only fetch the whole file again for nothing.
        throw new EzvideoError('server', `${id}: the transfer broke after ${this.#offset} bytes were written to stdout, and the server cannot continue it (${refusal})`, {
          hint: 'Download to a file instead (-o <file>): a file can be restarted and resumed.',
        });
      }
      this.#resumed = true;
    } else {
      this.#etag = response.headers['etag'];
      this.#lastModified = response.headers['last-modified'];
      this.#total = parseContentLength(response.headers['content-length']);
      this.#contentType = mediaType(response.headers['content-type']);
      try {
        this.#size.announced(this.#total);
      } catch (error) {
        discardBody(response);
        throw error;
      }
    }
    emit({ type: 'download-start', id, path: '-', offset: this.#offset, totalBytes: this.#total, attempt: this.#attempts });
    const before = this.#offset;
    try {
      const progress = throttleProgress((bytes) => emit({ type: 'download-progress', id, bytes: before + bytes, totalBytes: this.#total }), now);
      await pumpBody(response.body, (chunk) => this.#write(chunk), progress);
      // Done means delivered: the last chunks may still be queued for a slow reader.
      await this.#outputWait(flushed(stream, signal));
    } catch (error) {
      this.#advanced = this.#offset > before;
      if (signal?.aborted) throw signal.reason;
      throw toNetworkError(error, `${id}: download`);
    }
    this.#advanced = this.#offset > before;
    if (this.#total !== undefined && this.#offset !== this.#total) {
      throw new TruncatedTransferError(`${id}: the server sent ${this.#offset} of ${this.#total} bytes and closed the transfer`);
    }
    this.#size.whole(this.#offset);
    emit({ type: 'download-done', id, path: '-', bytes: this.#offset, skipped: false });
    return {
      id,
      path: '-',
      bytes: this.#offset,
      contentType: this.#contentType,
      sha256: this.#hash?.digest('hex'),
      attempts: this.#attempts,
      resumed: this.#resumed,
      source: source.kind,
      url: source.identity,
      skipped: false,
      verified: 'unchecked',
    };
  }
}
