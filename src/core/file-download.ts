import { createHash, type Hash } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Variant, VideoApiClient } from '../api/client.js';
import { discardBody, type HttpResponse } from '../api/transport.js';
import { toNetworkError } from '../api/network-error.js';
import { EzvideoError, usageError } from '../errors.js';
import { BackgroundFlush } from './background-flush.js';
import { parseContentLength, parseContentRange } from './content-range.js';
import { brokenFileError, checksumMismatchError, TruncatedTransferError, truncatedFileError } from './download-errors.js';
import type { AttemptResult } from './download-result.js';
import type { EventSink } from './events.js';
import { extensionFor, mediaType } from './file-name.js';
import { checkFileStructure, type StructureCheck } from './integrity/check-structure.js';
import { type OpenRange, RangesNotHonouredError, transferRanges } from './multi-range-transfer.js';
import { toOutputError } from './output-error.js';
import { ifRangeValidator, type PartState, readPartState, removePartState, writePartState } from './part-state.js';
import { clampToFile, contiguousBytes, doneBytes, type RangesState, rangesStatePath, readRangesState, removeRangesState, splitRanges } from './range-state.js';
import { writeBodyAt } from './range-writer.js';
import { throttleProgress } from './progress-throttle.js';
import { type CutAttempt, cutsForPattern, repeatedCutMs } from './transfer-cut.js';

export interface FileDownloadSettings {
  client: Pick<VideoApiClient, 'openContent' | 'contentUrl'>;
  id: string;
  variant: Variant | undefined;
  path: string;
  /** Default names (`<id>.<ext>`) follow the type the server really sent. */
  renameByType: boolean;
  /** What to do when the output file already exists. */
  existing: 'refuse' | 'overwrite' | 'skip';
  verify: boolean;
  expectedSha256: string | undefined;
  signal: AbortSignal | undefined;
  emit: EventSink;
  now: () => number;
  /**
   * Connections for one file. More than one only once the server proved it honours ranges (a 206
   * with the asked Content-Range, a known size and a strong ETag); otherwise one.
   */
  connections: number;
}

const expectedTypes: Record<Variant, string> = {
  video: 'video/',
  thumbnail: 'image/webp',
  spritesheet: 'image/jpeg',
};

/** What is left of `buffers` once their first `written` bytes are on disk. */
function unwritten(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** Ranges smaller than this are not worth a connection of their own. */
const minRangeBytes = 1024 * 1024;

/** An answer that proved ranges work, with what it covers and the size of the whole file. */
interface Transfer {
  response: HttpResponse;
  total: number | undefined;
  /** A 206 whose Content-Range runs from where we are to the end of a file of known size. */
  rangesProven: boolean;
}

/**
 * One file's download: `<out>.part` plus `<out>.part.json` (the PartState) beside it, every
 * attempt resuming from the bytes on disk when the server proves it can (a 206 whose
 * Content-Range starts where we are and whose total is the one recorded), restarting from zero
 * otherwise. The finished file is checked (length, structure, checksum), flushed, and renamed
 * into place: the final path never holds anything but a whole file.
 *
 * With several connections, an answer that proves ranges work splits the rest of the file into
 * ranges fetched at once and written in place, their progress kept in `<out>.part.ranges.json`
 * (RangesState); any sign that ranges are not honoured goes back to one connection.
 */
export class FileDownload {
  readonly partPath: string;
  readonly statePath: string;
  readonly rangesPath: string;
  readonly #settings: FileDownloadSettings;
  readonly #url: string;
  #handle: FileHandle | undefined;
  readonly #flush = new BackgroundFlush(async () => {
    await this.#handle?.datasync();
  });
  #hash: Hash = createHash('sha256');
  /** Bytes on disk in the part file, all of them hashed. */
  #offset = 0;
  #state: PartState | undefined;
  /** The furthest the file has been, to tell an attempt that moved forward from one that did not. */
  #highWater = 0;
  #advanced = false;
  #resumed = false;
  #attempts = 0;
  #cuts: CutAttempt[] = [];
  #warnedType = false;
  /** This run created the part file (nothing from an earlier run was trusted). */
  #createdPart = false;
  #connections: number;
  /** Set while the download is split into ranges (the part file may have holes). */
  #ranges: RangesState | undefined;

  constructor(settings: FileDownloadSettings) {
    this.#settings = settings;
    this.partPath = `${settings.path}.part`;
    this.statePath = `${this.partPath}.json`;
    this.rangesPath = rangesStatePath(this.partPath);
    this.#connections = settings.connections;
    this.#url = settings.client.contentUrl(settings.id, settings.variant);
  }

  /** Where the finished file lands (unless the type sent renames it). */
  get path(): string {
    return this.#settings.path;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /** Whether the last failed attempt moved the file further than ever before. */
  get lastAttemptAdvanced(): boolean {
    return this.#advanced;
  }

  /** Opens the part file, keeping its bytes only when its state file matches this download. */
  async open(): Promise<void> {
    const state = await readPartState(this.statePath);
    const ranges = await readRangesState(this.rangesPath);
    let partSize = await stat(this.partPath).then(
      (stats) => (stats.isFile() ? stats.size : undefined),
      () => undefined,
    );
    const trusted =
      state !== undefined &&
      partSize !== undefined &&
      partSize > 0 &&
      state.id === this.#settings.id &&
      state.url === this.#url &&
      (state.totalBytes === undefined || partSize <= state.totalBytes) &&
      (ranges === 'missing' || (ranges !== 'invalid' && ranges.etag === state.etag && ranges.totalBytes === state.totalBytes));
    try {
      if (trusted && partSize !== undefined) {
        this.#handle = await open(this.partPath, 'r+');
        this.#state = state;
        this.#resumed = true;
        if (typeof ranges === 'object') {
          const split = clampToFile(ranges, partSize);
          if (this.#connections > 1) {
            this.#ranges = split;
            this.#offset = doneBytes(split.ranges);
            this.#highWater = this.#offset;
            return;
          }
          partSize = await this.#leaveRanges(split);
        }
        await this.#hashExisting(partSize);
        this.#offset = partSize;
        this.#highWater = partSize;
      } else {
        await removePartState(this.statePath);
        await removeRangesState(this.rangesPath);
        this.#handle = await open(this.partPath, 'w+');
        this.#createdPart = true;
      }
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
  }

  /**
   * Back to one connection: the part file keeps the bytes in order from zero (a later range's
   * bytes are dropped), and only then the ranges state goes, so a crash in between leaves a state
   * that still describes the file. Returns the bytes kept.
   */
  async #leaveRanges(split: RangesState): Promise<number> {
    const kept = contiguousBytes(split.ranges);
    await this.#handle?.truncate(kept);
    await removeRangesState(this.rangesPath);
    this.#ranges = undefined;
    this.#connections = 1;
    return kept;
  }

  /** A resumed file's sha256 must cover the bytes of earlier runs: read them once. */
  async #hashExisting(length: number): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let position = 0; position < length; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - position), position);
      if (bytesRead === 0) break;
      this.#hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  }

  async close(): Promise<void> {
    // Not while a background flush still uses the handle; its error, if any, was reported already
    // or concerns a file that is not landing.
    await this.#flush.settle().catch(() => {});
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
  }

  /**
   * Closes the part file when the download is over, whatever the outcome. A part file that never
   * received a byte (the first answer was an error, or the user interrupted before any data) is
   * nothing to resume from: removing it keeps a failed `ezvideo download` from littering the
   * folder with empty `.part` files.
   */
  async dispose(): Promise<void> {
    await this.close();
    // Only an empty part file this run created: one from an earlier run that failed to open or
    // to hash (EIO, EMFILE) holds resumable bytes although nothing was counted yet, and so does
    // one whose first write the disk cut short (the bytes that did land are a valid prefix).
    if (this.#offset > 0 || !this.#createdPart) return;
    if ((await stat(this.partPath).then((stats) => stats.size, () => 0)) > 0) return;
    await rm(this.partPath, { force: true }).catch(() => {});
    await removePartState(this.statePath).catch(() => {});
    await removeRangesState(this.rangesPath).catch(() => {});
  }

  async #restart(reason: string): Promise<void> {
    this.#settings.emit({ type: 'download-warning', id: this.#settings.id, message: `${reason}; restarting from zero` });
    try {
      await this.#handle?.truncate(0);
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
    this.#offset = 0;
    this.#hash = createHash('sha256');
    this.#state = undefined;
    this.#resumed = false;
  }

  async #request(): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (this.#offset > 0 && this.#state !== undefined) {
      headers['range'] = `bytes=${this.#offset}-`;
      const validator = ifRangeValidator(this.#state);
      if (validator !== undefined) headers['if-range'] = validator;
    } else if (this.#connections > 1) {
      // The whole file, asked as a range: a 206 to it is the proof that ranges work.
      headers['range'] = 'bytes=0-';
    }
    return this.#settings.client.openContent(this.#settings.id, {
      variant: this.#settings.variant,
      headers,
      signal: this.#settings.signal,
    });
  }

  /**
   * Sends the request and decides what the answer means for the bytes on disk: append (a 206
   * that continues exactly where we are), start over (a 200, or a range answer that does not
   * fit), or done (a 416 that confirms we already have everything). Returns undefined in the
   * last case.
   */
  async #openTransfer(): Promise<Transfer | undefined> {
    for (;;) {
      const resuming = this.#offset > 0;
      const probing = !resuming && this.#connections > 1;
      const response = await this.#request();
      const headers = response.headers;
      const range = parseContentRange(headers['content-range']);
      if (probing && response.status !== 200) {
        const whole = response.status === 206 && range?.satisfied === true && range.start === 0 && range.total !== undefined && range.end === range.total - 1;
        if (whole) {
          await this.#saveState(this.#stateFrom(headers, range.total));
          return { response, total: range.total, rangesProven: true };
        }
        // An odd answer to `bytes=0-` (a shifted range, a 416 for an empty file): ask plainly.
        discardBody(response);
        this.#connections = 1;
        continue;
      }
      if (response.status === 416) {
        discardBody(response);
        // Without a Range header there is nothing to refuse: restarting would ask the same again.
        if (!resuming) throw new EzvideoError('server', `${this.#settings.id}: the server answered 416 (range not satisfiable) to a request for the whole file`);
        const total = this.#state?.totalBytes;
        if (total === this.#offset && (range === undefined || range.total === total)) return undefined;
        await this.#restart(`${this.#settings.id}: the server refused to continue at byte ${this.#offset} (416)`);
        continue;
      }
      if (response.status === 206) {
        const total = this.#state?.totalBytes;
        const etagChanged = headers['etag'] !== undefined && this.#state?.etag !== undefined && headers['etag'] !== this.#state.etag;
        const fits =
          resuming &&
          range?.satisfied === true &&
          range.start === this.#offset &&
          (total === undefined || range.total === total) &&
          !etagChanged;
        if (fits) {
          this.#resumed = true;
          // A first answer without Content-Length (chunked) left the size unknown; the range
          // answer tells it. Recorded, so that a finished file failing the structure check is
          // known to be complete (broken, not cut), and a later 416 is known to mean "done".
          if (total === undefined && range.total !== undefined && this.#state !== undefined) {
            await this.#saveState({ ...this.#state, totalBytes: range.total });
          }
          const size = total ?? range.total;
          return { response, total: size, rangesProven: size !== undefined && range.end === size - 1 };
        }
        discardBody(response);
        if (!resuming) {
          throw new EzvideoError('server', `${this.#settings.id}: the server sent a partial answer (206) to a request for the whole file`);
        }
        await this.#restart(`${this.#settings.id}: the server answered with another range than the one asked for (${headers['content-range'] ?? 'no Content-Range'})`);
        continue;
      }
      if (resuming) {
        const changed = headers['etag'] !== undefined && this.#state?.etag !== undefined && headers['etag'] !== this.#state.etag;
        await this.#restart(
          `${this.#settings.id}: ${changed ? 'the content changed on the server' : 'the server ignored the range request'}`,
        );
      }
      const total = parseContentLength(headers['content-length']);
      await this.#saveState(this.#stateFrom(headers, total));
      return { response, total, rangesProven: false };
    }
  }

  #stateFrom(headers: HttpResponse['headers'], total: number | undefined): PartState {
    return {
      version: 1,
      id: this.#settings.id,
      url: this.#url,
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
    const etag = this.#state?.etag;
    const { total } = transfer;
    if (this.#connections < 2 || !transfer.rangesProven || total === undefined || etag === undefined || etag.startsWith('W/')) return undefined;
    const count = Math.min(this.#connections, Math.floor((total - this.#offset) / minRangeBytes));
    if (count < 2) return undefined;
    return { version: 1, etag, totalBytes: total, ranges: splitRanges(this.#offset, total, count) };
  }

  async #saveState(state: PartState): Promise<void> {
    this.#state = state;
    await writePartState(this.statePath, state).catch((error: unknown) => {
      throw toOutputError(error, this.statePath);
    });
  }

  #checkContentType(contentType: string | undefined): void {
    const variant = this.#settings.variant ?? 'video';
    if (this.#warnedType || contentType === undefined || contentType.startsWith(expectedTypes[variant])) return;
    this.#warnedType = true;
    this.#settings.emit({
      type: 'download-warning',
      id: this.#settings.id,
      message: `asked for the ${variant} but the server sent ${contentType} (it may not support --variant)`,
    });
  }

  /**
   * Writes every byte or fails. A write may take fewer bytes than offered (a disk filling up,
   * a file-size limit): the rest is offered again, which then fails with the real reason
   * (ENOSPC, EFBIG) instead of counting bytes that never reached the disk.
   */
  async #writeAt(buffers: Buffer[], position: number): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) throw new Error('part file is not open');
    let pending = buffers;
    let at = position;
    try {
      while (pending.length > 0) {
        const { bytesWritten } = await handle.writev(pending, at);
        if (bytesWritten === 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
        at += bytesWritten;
        pending = unwritten(pending, bytesWritten);
        this.#flush.wrote(bytesWritten);
      }
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
  }

  /** `download-progress`, throttled; `force` for the last count of a transfer. */
  #progress(totalBytes: number | undefined): (bytes: number, force?: boolean) => void {
    const { id, emit, now } = this.#settings;
    return throttleProgress((bytes) => emit({ type: 'download-progress', id, bytes, totalBytes }), now);
  }

  /** One HTTP attempt: request, stream, and on success the whole file's checks and landing. */
  async attempt(): Promise<AttemptResult> {
    this.#attempts += 1;
    this.#advanced = false;
    let first: OpenRange | undefined;
    for (;;) {
      if (this.#ranges !== undefined) {
        if (await this.#transferRanges(this.#ranges, first)) return this.#finishRanges();
        first = undefined;
        continue;
      }
      const startedAt = this.#settings.now();
      const transfer = await this.#openTransfer();
      if (transfer === undefined) return this.#finish();
      const ranges = this.#planRanges(transfer);
      if (ranges !== undefined) {
        this.#ranges = ranges;
        first = { index: ranges.ranges.findIndex((range) => range.start === this.#offset), response: transfer.response };
        continue;
      }
      await this.#stream(transfer, startedAt);
      return this.#finish();
    }
  }

  /** The single-connection transfer: append the body after the bytes on disk, hashing as it comes. */
  async #stream({ response, total }: Transfer, startedAt: number): Promise<void> {
    const { id } = this.#settings;
    const fromZero = this.#offset === 0;
    this.#checkContentType(this.#state?.contentType);
    this.#settings.emit({ type: 'download-start', id, path: this.#settings.path, offset: this.#offset, totalBytes: total, attempt: this.#attempts });
    const progress = this.#progress(total);
    const offsetAtStart = this.#offset;
    try {
      await writeBodyAt(response.body, {
        position: offsetAtStart,
        write: (buffers, position) => this.#writeAt(buffers, position),
        onData: (chunk) => this.#hash.update(chunk),
        onWritten: (bytes) => {
          this.#offset = offsetAtStart + bytes;
          progress(this.#offset);
        },
        now: this.#settings.now,
      });
    } catch (error) {
      progress(this.#offset, true);
      this.#noteProgress();
      if (this.#settings.signal?.aborted) throw this.#settings.signal.reason;
      const failure = toNetworkError(error, `${id}: download`);
      if (failure.code === 'network') this.#noteCut(startedAt, fromZero, offsetAtStart, total);
      throw failure;
    }
    progress(this.#offset, true);
    this.#noteProgress();
    if (total !== undefined && this.#offset !== total) {
      this.#noteCut(startedAt, fromZero, offsetAtStart, total);
      throw new TruncatedTransferError(`${id}: the server sent ${this.#offset} of ${total} bytes and closed the transfer`);
    }
  }

  /**
   * One attempt over several connections. Returns false when the server turned out not to
   * honour ranges: the download then goes on over one connection from the bytes in order.
   */
  async #transferRanges(ranges: RangesState, first: OpenRange | undefined): Promise<boolean> {
    const { id } = this.#settings;
    this.#checkContentType(this.#state?.contentType);
    this.#settings.emit({ type: 'download-start', id, path: this.#settings.path, offset: this.#offset, totalBytes: ranges.totalBytes, attempt: this.#attempts });
    const progress = this.#progress(ranges.totalBytes);
    try {
      await transferRanges(ranges, first, {
        client: this.#settings.client,
        id,
        variant: this.#settings.variant,
        signal: this.#settings.signal,
        statePath: this.rangesPath,
        write: (buffers, position) => this.#writeAt(buffers, position),
        onProgress: (bytes) => {
          this.#offset = bytes;
          progress(bytes);
        },
        now: this.#settings.now,
      });
    } catch (error) {
      progress(this.#offset, true);
      this.#noteProgress();
      if (!(error instanceof RangesNotHonouredError)) throw error;
      this.#settings.emit({ type: 'download-warning', id, message: `${error.message}; going on over one connection` });
      try {
        const kept = await this.#leaveRanges(ranges);
        this.#hash = createHash('sha256');
        await this.#hashExisting(kept);
        this.#offset = kept;
      } catch (failure) {
        throw toOutputError(failure, this.partPath);
      }
      return false;
    }
    progress(this.#offset, true);
    this.#noteProgress();
    return true;
  }

  /** Ranges arrive out of order, so the sha256 of a split download is one read of the finished file. */
  async #finishRanges(): Promise<AttemptResult> {
    try {
      this.#hash = createHash('sha256');
      await this.#hashExisting(this.#offset);
      await removeRangesState(this.rangesPath);
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
    this.#ranges = undefined;
    return this.#finish();
  }

  #noteProgress(): void {
    if (this.#offset > this.#highWater) {
      this.#highWater = this.#offset;
      this.#advanced = true;
    }
  }

  /** Records a cut transfer and says so plainly once the cuts form a time-limit pattern. */
  #noteCut(startedAt: number, fromZero: boolean, offsetAtStart: number, total: number | undefined): void {
    const elapsedMs = this.#settings.now() - startedAt;
    this.#cuts.push({ elapsedMs, fromZero, bytes: this.#offset - offsetAtStart });
    const limitMs = repeatedCutMs(this.#cuts);
    if (limitMs === undefined) return;
    const bytesPerSecond = ((this.#cuts.at(-1)?.bytes ?? 0) * 1000) / Math.max(1, elapsedMs);
    const needed = total === undefined || bytesPerSecond === 0 ? '' : `; at this speed the whole file needs about ${formatSeconds((total / bytesPerSecond) * 1000)}`;
    // `server`, not `network`: a network error is retried, and every retry would only sit out the
    // limit once more (a minute each on the default gateway) before failing the same way.
    throw new EzvideoError(
      'server',
      `${this.#settings.id}: the transfer was cut after about ${formatSeconds(limitMs)} on each of the last ${cutsForPattern} attempts, and the server ignores Range, so every retry starts again from zero: the server (or a proxy in front of it) limits each transfer to about ${formatSeconds(limitMs)}${needed}`,
      { hint: 'Retrying cannot help: download over a faster link, or ask the provider to raise the limit or to support Range.' },
    );
  }

  async #finish(): Promise<AttemptResult> {
    const { id, emit } = this.#settings;
    const contentType = this.#state?.contentType;
    await this.#checkSizeOnDisk();
    const check = await this.#checkStructure(contentType);
    const sha256 = this.#hash.copy().digest('hex');
    const expected = this.#settings.expectedSha256?.toLowerCase();
    if (expected !== undefined && expected !== sha256) {
      await this.#discard();
      throw checksumMismatchError(id, expected, sha256);
    }
    const finalPath = this.#finalPath(contentType);
    if (finalPath !== this.#settings.path && (await this.#keepsExisting(finalPath))) {
      await this.#discard();
      emit({ type: 'download-done', id, path: finalPath, bytes: 0, skipped: true });
      return { ...this.#result(finalPath, undefined, check), skipped: true };
    }
    try {
      await this.#flush.settle();
      await this.#handle?.sync();
      await this.close();
      await rename(this.partPath, finalPath);
    } catch (error) {
      throw toOutputError(error, finalPath);
    }
    await removePartState(this.statePath);
    emit({ type: 'download-done', id, path: finalPath, bytes: this.#offset, skipped: false });
    return this.#result(finalPath, sha256, check);
  }

  #result(path: string, sha256: string | undefined, check: StructureCheck): AttemptResult {
    return {
      id: this.#settings.id,
      path,
      bytes: this.#offset,
      contentType: this.#state?.contentType,
      sha256,
      attempts: this.#attempts,
      resumed: this.#resumed,
      skipped: false,
      verified: !check.checked ? 'unchecked' : check.ok ? 'ok' : 'failed',
    };
  }

  /** The bytes counted must be the bytes on disk, whatever a write or a crash did in between. */
  async #checkSizeOnDisk(): Promise<void> {
    const size = (await this.#handle?.stat())?.size;
    if (size !== this.#offset) {
      throw new EzvideoError('output', `${this.#settings.id}: ${this.partPath} holds ${size ?? 0} bytes where ${this.#offset} were written`, {
        hint: 'Run the same command again: it starts the file over.',
      });
    }
  }

  /**
   * The default name follows the type the server sent, so the file that lands may be another
   * one than the name checked before the download (`<id>.mp4` where `<id>.webp` was asked):
   * the same rule applies to it. Returns true when an existing file there is to be kept.
   */
  async #keepsExisting(finalPath: string): Promise<boolean> {
    const exists = await stat(finalPath).then(() => true, () => false);
    if (!exists || this.#settings.existing === 'overwrite') return false;
    if (this.#settings.existing === 'skip') return true;
    throw usageError(`${finalPath} already exists (the server sent another type than the name asked for)`, 'Use --force to replace it, or --skip-existing to keep it.');
  }

  /**
   * The structure check decides between "landed", "retry" and "broken". Without a
   * Content-Length a clean early end looks like success to HTTP, so a failed check there is a
   * truncated transfer (retryable); with a matched Content-Length it is a broken file.
   */
  async #checkStructure(contentType: string | undefined): Promise<StructureCheck> {
    const { id, emit } = this.#settings;
    // No flush first: the check reads through the page cache, which already holds every byte
    // written; the file is flushed once, right before the rename, and only if it passed.
    const check = await checkFileStructure(this.partPath, contentType);
    if (check.ok) return check;
    const reason = check.reason ?? 'the structure check failed';
    if (!this.#settings.verify) {
      emit({ type: 'download-warning', id, message: `the file failed the structure check (${reason}); kept because of --no-verify` });
      return check;
    }
    if (this.#state?.totalBytes === undefined) {
      throw new TruncatedTransferError(`${id}: the transfer ended early without a Content-Length: ${reason}`);
    }
    await this.#discard();
    throw brokenFileError(id, reason);
  }

  /** A complete but wrong file is no base for a resume: remove it and its state. */
  async #discard(): Promise<void> {
    await this.close();
    await rm(this.partPath, { force: true });
    await removePartState(this.statePath);
  }

  #finalPath(contentType: string | undefined): string {
    const { path, renameByType, id } = this.#settings;
    if (!renameByType || contentType === undefined) return path;
    const extension = extensionFor(contentType);
    if (extension === '.bin' || basename(path) === `${id}${extension}`) return path;
    return join(dirname(path), `${id}${extension}`);
  }

  /** What a failure on the last attempt means for the user, given what this download saw. */
  finalError(error: unknown): unknown {
    if (error instanceof TruncatedTransferError && this.#state?.totalBytes === undefined) {
      return truncatedFileError(this.#settings.id, error.message);
    }
    return error;
  }
}
