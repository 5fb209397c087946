import type { Hash } from 'node:crypto';
import type { Variant } from '../api/client.js';
import { toNetworkError } from '../api/network-error.js';
import { discardBody, type HttpResponse } from '../api/transport.js';
import { EzvideoError } from '../errors.js';
import { writeBodyAt } from './body-pump.js';
import type { ContentSource } from './content-source.js';
import { RangeIgnoredError, SizeLimitError, toOutputError, truncatedFileError, TruncatedTransferError, VariantAbsentError } from './download-errors.js';
import { type AttemptResult, throttleProgress } from './events.js';
import { finalPath, type LandingSettings, landPartFile } from './file-landing.js';
import { mediaType } from './file-name.js';
import { type OpenRange, RangesNotHonouredError, transferRanges } from './multi-range-transfer.js';
import { PartFile } from './part-file.js';
import { ifRangeValidator, type PartState, type RangesState, removeRangesState, splitRanges } from './part-state.js';
import type { RateLimiter } from './rate-limit.js';
import { decideResume } from './resume-decision.js';
import { SizeGuard, type SizeLimits } from './size-limits.js';
import { type CutAttempt, transferLimitError } from './transfer-cut.js';

export interface FileDownloadSettings extends LandingSettings {
  source: ContentSource;
  variant: Variant | undefined;
  signal: AbortSignal | undefined;
  now: () => number;
  /**
   * Connections for one file. More than one only once the server proved it honours ranges (a 206
   * with the asked Content-Range, a known size and a strong ETag); otherwise one.
   */
  connections: number;
  /** Makes the sha256 of the bytes; undefined: nothing is hashed (the result's sha256 is undefined). */
  createHash: (() => Hash) | undefined;
  /**
   * An answer of another type than the variant's is refused (VariantAbsentError) instead of
   * saved with a warning: when several variants are asked for, the gateway's MP4 sent for a
   * thumbnail is a duplicate of the video, not the thumbnail.
   */
  variantMustMatch: boolean;
  sizeLimits: SizeLimits;
  /** The run's one rate limit, shared with every other download of the run. */
  rateLimit: RateLimiter | undefined;
}

const expectedTypes: Record<Variant, string> = {
  video: 'video/',
  thumbnail: 'image/webp',
  spritesheet: 'image/jpeg',
};

/** Ranges smaller than this are not worth a connection of their own. */
const minRangeBytes = 1024 * 1024;

/** An answer to stream, with what it covers and the size of the whole file. */
interface Transfer {
  response: HttpResponse;
  total: number | undefined;
  /** A 206 whose Content-Range runs from where we are to the end of a file of known size. */
  rangesProven: boolean;
}

/**
 * One file's download from one source at a time: every attempt resumes from the bytes on disk
 * when the answer proves it may (resume-decision.ts), restarts from zero otherwise, and the
 * whole file is checked and landed by file-landing.ts. A source can be swapped between attempts
 * (the gateway's `/content` for the direct link): the bytes on disk are kept only if the new
 * source proves with the same strong ETag that it serves the same file.
 *
 * With several connections, an answer that proves ranges work splits the rest of the file into
 * ranges fetched at once and written in place (multi-range-transfer.ts); any sign that ranges are
 * not honoured goes back to one connection.
 */
export class FileDownload {
  readonly #settings: FileDownloadSettings;
  readonly #part: PartFile;
  #source: ContentSource;
  /** The furthest the file has been, to tell an attempt that moved forward from one that did not. */
  #highWater = 0;
  #advanced = false;
  #resumed = false;
  #attempts = 0;
  #cuts: CutAttempt[] = [];
  #warnedType = false;
  #connections: number;
  readonly #size: SizeGuard;

  constructor(settings: FileDownloadSettings) {
    this.#settings = settings;
    this.#source = settings.source;
    this.#size = new SizeGuard(settings.id, settings.sizeLimits);
    this.#part = new PartFile(settings.path, settings.createHash);
    this.#connections = settings.connections;
  }

  get partPath(): string {
    return this.#part.partPath;
  }

  /** Where the finished file lands (unless the type sent renames it). */
  get path(): string {
    return this.#settings.path;
  }

  get source(): ContentSource {
    return this.#source;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /** Whether the last failed attempt moved the file further than ever before. */
  get lastAttemptAdvanced(): boolean {
    return this.#advanced;
  }

  /**
   * Asked when a resume is answered with the whole file (the source ignores Range), before the
   * bytes on disk are dropped for it: true when another source took over (useSource), and the
   * attempt ends with a RangeIgnoredError instead of restarting from zero on this one.
   */
  leaveOnIgnoredRange: (() => Promise<boolean>) | undefined;

  /** Which source the part file of an earlier run of this task came from, before it is opened. */
  async recordedSource(): Promise<ContentSource['kind'] | undefined> {
    return this.#part.recordedSource(this.#settings.id);
  }

  async open(): Promise<void> {
    const { kept, joined } = await this.#part.open(this.#settings.id, this.#source.identity, this.#connections > 1);
    this.#resumed = kept;
    if (joined) this.#connections = 1;
    this.#highWater = this.#part.offset;
  }

  async dispose(): Promise<void> {
    await this.#part.dispose();
  }

  /**
   * Goes on from another source. Its first answer must prove it serves the bytes on disk (a 206
   * under the same strong ETag); without a strong ETag to prove it with, they are dropped now.
   */
  async useSource(source: ContentSource): Promise<void> {
    this.#source = source;
    this.#cuts = [];
    this.#connections = this.#settings.connections;
    if (this.#part.ranges !== undefined) await this.#part.rehash(await this.#part.leaveRanges(this.#part.ranges));
    const etag = this.#part.state?.etag;
    if (this.#part.offset > 0 && (etag === undefined || etag.startsWith('W/'))) {
      await this.#restart('no strong ETag proves that the new source serves the same file');
    }
  }

  async #restart(reason: string): Promise<void> {
    this.#settings.emit({ type: 'download-warning', id: this.#settings.id, message: `${reason}; restarting from zero` });
    await this.#part.truncate();
    this.#resumed = false;
  }

  async #request(): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    const state = this.#part.state;
    if (this.#part.offset > 0 && state !== undefined) {
      headers['range'] = `bytes=${this.#part.offset}-`;
      const validator = ifRangeValidator(state);
      if (validator !== undefined) headers['if-range'] = validator;
    } else if (this.#connections > 1) {
      // The whole file, asked as a range: a 206 to it is the proof that ranges work.
      headers['range'] = 'bytes=0-';
    }
    return this.#source.open({ headers, signal: this.#settings.signal });
  }

  /**
   * Sends the request and acts on what the answer means for the bytes on disk (decideResume):
   * append, start over, or done (undefined: a 416 that confirms the file is complete).
   */
  async #openTransfer(): Promise<Transfer | undefined> {
    const { id } = this.#settings;
    for (;;) {
      const offset = this.#part.offset;
      const state = this.#part.state;
      const probing = offset === 0 && this.#connections > 1;
      const response = await this.#request();
      const verdict = decideResume(
        { offset, probing, recorded: state, proveSameFile: state !== undefined && state.url !== this.#source.identity },
        response,
      );
      switch (verdict.action) {
        case 'done':
          discardBody(response);
          return undefined;
        case 'ask-plainly':
          discardBody(response);
          this.#connections = 1;
          continue;
        case 'refuse':
          discardBody(response);
          throw new EzvideoError('server', `${id}: ${verdict.reason}`);
        case 'restart':
          discardBody(response);
          await this.#restart(`${id}: ${verdict.reason}`);
          continue;
        case 'append':
          this.#resumed = true;
          // A first answer without Content-Length (chunked) left the size unknown; the range
          // answer tells it. Recorded, so that a finished file failing the structure check is
          // known to be complete (broken, not cut), and a later 416 is known to mean "done". A
          // new source's answer is recorded as its own, now that it proved the same file.
          if (state !== undefined && (state.totalBytes !== verdict.total || state.url !== this.#source.identity)) {
            await this.#part.saveState({ ...state, totalBytes: verdict.total, url: this.#source.identity, source: this.#source.kind });
          }
          return { response, total: verdict.total, rangesProven: verdict.rangesProven };
        case 'whole':
          if (verdict.rangeIgnored && (await this.#leaves(response))) {
            throw new RangeIgnoredError(`${id}: the server ignored the range request`);
          }
          if (verdict.restart !== undefined) await this.#restart(`${id}: ${verdict.restart}`);
          await this.#part.saveState(this.#stateFrom(response.headers, verdict.total));
          return { response, total: verdict.total, rangesProven: verdict.rangesProven };
      }
    }
  }

  /** Whether the download leaves this source; the answer is dropped if so. */
  async #leaves(response: HttpResponse): Promise<boolean> {
    const leave = this.leaveOnIgnoredRange;
    if (leave === undefined) return false;
    try {
      if (!(await leave())) return false;
    } catch (error) {
      discardBody(response);
      throw error;
    }
    discardBody(response);
    return true;
  }

  #stateFrom(headers: HttpResponse['headers'], total: number | undefined): PartState {
    return {
      version: 1,
      id: this.#settings.id,
      url: this.#source.identity,
      source: this.#source.kind,
      etag: headers['etag'],
      lastModified: headers['last-modified'],
      totalBytes: total,
      contentType: mediaType(headers['content-type']),
    };
  }

  /**
   * Splits the rest of the file into ranges when more connections are wanted and the answer
   * proved they can work: a 206 to the end of a file of known size, under a strong ETag (the
   * If-Range of every other range; a weak one or a date could let a changed file be spliced).
   */
  #planRanges(transfer: Transfer): RangesState | undefined {
    const etag = this.#part.state?.etag;
    const { total } = transfer;
    if (this.#connections < 2 || !transfer.rangesProven || total === undefined || etag === undefined || etag.startsWith('W/')) return undefined;
    const count = Math.min(this.#connections, Math.floor((total - this.#part.offset) / minRangeBytes));
    if (count < 2) return undefined;
    return { version: 1, etag, totalBytes: total, ranges: splitRanges(this.#part.offset, total, count) };
  }

  get #variant(): Variant {
    return this.#settings.variant ?? 'video';
  }

  /** Whether a type sent is the variant's (an answer without a type says nothing either way). */
  #isVariantsType(type: string): boolean {
    return type.startsWith(expectedTypes[this.#variant]);
  }

  /** With `variantMustMatch`, before any byte is read: an answer whose type says it is another file. */
  #refuseOtherVariant(response: HttpResponse): void {
    const sent = mediaType(response.headers['content-type']);
    if (!this.#settings.variantMustMatch || sent === undefined || this.#isVariantsType(sent)) return;
    discardBody(response);
    throw new VariantAbsentError(this.#settings.id, this.#variant, sent);
  }

  #checkContentType(): void {
    const contentType = this.#part.state?.contentType;
    const variant = this.#variant;
    if (this.#warnedType || contentType === undefined || this.#isVariantsType(contentType)) return;
    this.#warnedType = true;
    this.#settings.emit({
      type: 'download-warning',
      id: this.#settings.id,
      message: `asked for the ${variant} but the server sent ${contentType} (it may not support --variant)`,
    });
  }

  /** `download-progress`, throttled; `force` for the last count of a transfer. */
  #progress(totalBytes: number | undefined): (bytes: number, force?: boolean) => void {
    const { id, emit, now } = this.#settings;
    return throttleProgress((bytes) => emit({ type: 'download-progress', id, bytes, totalBytes }), now);
  }

  /** Announces the name the file will land under: the type the server sent may change it. */
  #start(totalBytes: number | undefined): void {
    const { id, emit } = this.#settings;
    this.#checkContentType();
    const path = finalPath(this.#settings, this.#part.state?.contentType);
    emit({ type: 'download-start', id, path, offset: this.#part.offset, totalBytes, attempt: this.#attempts });
  }

  /** One HTTP attempt: request, stream, and on success the whole file's checks and landing. */
  async attempt(): Promise<AttemptResult> {
    this.#attempts += 1;
    this.#advanced = false;
    let first: OpenRange | undefined;
    for (;;) {
      const split = this.#part.ranges;
      if (split !== undefined) {
        // A split left by an earlier run, which may have had other limits.
        if (first === undefined) await this.#checkSize(() => this.#size.announced(split.totalBytes));
        if (await this.#transferRanges(split, first)) return this.#finish();
        first = undefined;
        continue;
      }
      const startedAt = this.#settings.now();
      const transfer = await this.#openTransfer();
      if (transfer === undefined) return this.#finish();
      this.#refuseOtherVariant(transfer.response);
      await this.#checkSize(() => this.#size.announced(transfer.total), transfer.response);
      const ranges = this.#planRanges(transfer);
      if (ranges !== undefined) {
        this.#part.ranges = ranges;
        first = { index: ranges.ranges.findIndex((range) => range.start === this.#part.offset), response: transfer.response };
        continue;
      }
      await this.#stream(transfer, startedAt);
      return this.#finish();
    }
  }

  /** The single-connection transfer: append the body after the bytes on disk, hashed as it comes if hashing. */
  async #stream({ response, total }: Transfer, startedAt: number): Promise<void> {
    const { id } = this.#settings;
    const part = this.#part;
    const offsetAtStart = part.offset;
    this.#start(total);
    const progress = this.#progress(total);
    try {
      await writeBodyAt(response.body, {
        position: offsetAtStart,
        write: (buffers, position) => part.writeAt(buffers, position),
        onData: (chunk) => part.hashed(chunk),
        admit: this.#admit(offsetAtStart),
        onWritten: (bytes) => {
          part.offset = offsetAtStart + bytes;
          progress(part.offset);
        },
        now: this.#settings.now,
      });
    } catch (error) {
      progress(part.offset, true);
      this.#noteProgress();
      if (this.#settings.signal?.aborted) throw this.#settings.signal.reason;
      if (error instanceof SizeLimitError) await this.#drop(error);
      const failure = toNetworkError(error, `${id}: download`);
      if (failure.code === 'network') this.#noteCut(startedAt, offsetAtStart, total);
      throw failure;
    }
    progress(part.offset, true);
    this.#noteProgress();
    if (total !== undefined && part.offset !== total) {
      this.#noteCut(startedAt, offsetAtStart, total);
      throw new TruncatedTransferError(`${id}: the server sent ${part.offset} of ${total} bytes and closed the transfer`);
    }
  }

  /**
   * One attempt over several connections. Returns false when the server turned out not to
   * honour ranges: the download then goes on over one connection from the bytes in order.
   */
  async #transferRanges(ranges: RangesState, first: OpenRange | undefined): Promise<boolean> {
    const { id } = this.#settings;
    const part = this.#part;
    this.#start(ranges.totalBytes);
    const progress = this.#progress(ranges.totalBytes);
    try {
      await transferRanges(ranges, first, {
        source: this.#source,
        id,
        signal: this.#settings.signal,
        statePath: part.rangesPath,
        write: (buffers, position) => part.writeAt(buffers, position),
        // Sizes need no check per byte here: every range has a known end, within the announced total.
        admit: this.#pace(),
        onProgress: (bytes) => {
          part.offset = bytes;
          progress(bytes);
        },
        now: this.#settings.now,
      });
    } catch (error) {
      progress(part.offset, true);
      this.#noteProgress();
      if (!(error instanceof RangesNotHonouredError)) throw error;
      this.#settings.emit({ type: 'download-warning', id, message: `${error.message}; going on over one connection` });
      try {
        await part.rehash(await part.leaveRanges(ranges));
      } catch (failure) {
        throw toOutputError(failure, part.partPath);
      }
      this.#connections = 1;
      return false;
    }
    progress(part.offset, true);
    this.#noteProgress();
    // Ranges arrive out of order, so the sha256 of a split download (when one is asked for) is one
    // read of the finished file.
    await part.rehash(part.offset);
    await part.leaveRanges(ranges).catch((error: unknown) => {
      throw toOutputError(error, part.partPath);
    });
    return true;
  }

  /** The run's rate limit, for a body's chunks; undefined without one. */
  #pace(): ((bytes: number) => Promise<void>) | undefined {
    const { rateLimit, signal } = this.#settings;
    return rateLimit === undefined ? undefined : (bytes) => rateLimit.take(bytes, signal);
  }

  /**
   * The size limit as the bytes of a single-connection body arrive, then the rate limit;
   * undefined with neither, so a plain download awaits nothing more per chunk.
   */
  #admit(offsetAtStart: number): ((bytes: number) => Promise<void>) | undefined {
    const pace = this.#pace();
    if (this.#settings.sizeLimits.maxBytes === undefined) return pace;
    let taken = 0;
    return async (bytes) => {
      taken += bytes;
      this.#size.growing(offsetAtStart + taken);
      await pace?.(bytes);
    };
  }

  /** Runs a size check: a refusal drops the answer and the part file. */
  async #checkSize(check: () => void, response?: HttpResponse): Promise<void> {
    try {
      check();
    } catch (error) {
      await this.#drop(error, response);
    }
  }

  /**
   * A size refusal is final (the same source sends the same size again), so the part file and
   * its side files go: they can never become a wanted file, and a re-run must not resume them.
   */
  async #drop(refusal: unknown, response?: HttpResponse): Promise<never> {
    if (response !== undefined) discardBody(response);
    await this.#part.discard();
    await removeRangesState(this.#part.rangesPath).catch((error: unknown) => {
      throw toOutputError(error, this.#part.rangesPath);
    });
    throw refusal;
  }

  #noteProgress(): void {
    if (this.#part.offset > this.#highWater) {
      this.#highWater = this.#part.offset;
      this.#advanced = true;
    }
  }

  /** Records a cut transfer and says so plainly once the cuts form a time-limit pattern. */
  #noteCut(startedAt: number, offsetAtStart: number, total: number | undefined): void {
    this.#cuts.push({ elapsedMs: this.#settings.now() - startedAt, fromZero: offsetAtStart === 0, bytes: this.#part.offset - offsetAtStart });
    const limit = transferLimitError(this.#settings.id, this.#cuts, total);
    if (limit !== undefined) throw limit;
  }

  async #finish(): Promise<AttemptResult> {
    // Before the structure check: an error page is refused for its size, not retried as a cut.
    await this.#checkSize(() => this.#size.whole(this.#part.offset));
    const landed = await landPartFile(this.#part, this.#settings);
    return { ...landed, id: this.#settings.id, attempts: this.#attempts, resumed: this.#resumed, source: this.#source.kind, url: this.#source.identity };
  }

  /** What a failure on the last attempt means for the user, given what this download saw. */
  finalError(error: unknown): unknown {
    if (error instanceof TruncatedTransferError && this.#part.state?.totalBytes === undefined) {
      return truncatedFileError(this.#settings.id, error.message);
    }
    return error;
  }
}
