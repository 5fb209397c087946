import type { Hash } from 'node:crypto';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { EzvideoError } from '../errors.js';
import { BackgroundFlush } from './background-flush.js';
import type { SourceKind } from './content-source.js';
import { toOutputError } from './download-errors.js';
import { clampToFile, contiguousBytes, doneBytes, type PartState, type RangesState, rangesStatePath, readPartState, readRangesState, removePartState, removeRangesState, writePartState } from './part-state.js';

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

function hasStrongEtag(state: PartState): boolean {
  return state.etag !== undefined && !state.etag.startsWith('W/');
}

/**
 * `<out>.part` and the state beside it: `<out>.part.json` (the PartState: where the bytes came
 * from and how to prove that a later answer continues them) and, while the download is split
 * into ranges, `<out>.part.ranges.json`. It holds the bytes, counts them, hashes them in order
 * when a sha256 is asked for (`createHash`; without it nothing is hashed and no earlier bytes
 * are read back), and is the only thing that writes, truncates or lands the part file.
 */
export class PartFile {
  readonly partPath: string;
  readonly statePath: string;
  readonly rangesPath: string;
  #handle: FileHandle | undefined;
  readonly #flush = new BackgroundFlush(async () => {
    await this.#handle?.datasync();
  });
  readonly #createHash: (() => Hash) | undefined;
  #hash: Hash | undefined;
  /** Bytes on disk: in order from zero, all hashed if hashing; or, while split, the sum over the ranges. */
  offset = 0;
  state: PartState | undefined;
  /** Set while the download is split into ranges (the part file may have holes). */
  ranges: RangesState | undefined;
  /** This run created the part file (nothing from an earlier run was trusted). */
  #createdPart = false;

  constructor(path: string, createHash: (() => Hash) | undefined) {
    this.#createHash = createHash;
    this.#hash = createHash?.();
    this.partPath = `${path}.part`;
    this.statePath = `${this.partPath}.json`;
    this.rangesPath = rangesStatePath(this.partPath);
  }

  /** The source the recorded bytes of task `id` came from (absent in older state files: the gateway). */
  async recordedSource(id: string): Promise<SourceKind | undefined> {
    const state = await readPartState(this.statePath);
    return state?.id === id ? (state.source ?? 'gateway') : undefined;
  }

  /**
   * Opens the part file, keeping its bytes only when its state file matches this download: the
   * same task, and the same source, or another whose answers a strong ETag will have to prove.
   * Bytes from another source go on over one connection, so that the first answer is the proof
   * (ranges split under the old source would each be taken on trust). Returns whether bytes
   * were kept, and whether a split download was joined back into bytes in order.
   */
  async open(id: string, identity: string, splitAllowed: boolean): Promise<{ kept: boolean; joined: boolean }> {
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
      state.id === id &&
      (state.url === identity || hasStrongEtag(state)) &&
      (state.totalBytes === undefined || partSize <= state.totalBytes) &&
      (ranges === 'missing' || (ranges !== 'invalid' && ranges.etag === state.etag && ranges.totalBytes === state.totalBytes));
    try {
      if (!trusted || partSize === undefined) {
        await removePartState(this.statePath);
        await removeRangesState(this.rangesPath);
        this.#handle = await open(this.partPath, 'w+');
        this.#createdPart = true;
        return { kept: false, joined: false };
      }
      this.#handle = await open(this.partPath, 'r+');
      this.state = state;
      if (typeof ranges === 'object') {
        const split = clampToFile(ranges, partSize);
        if (splitAllowed && state.url === identity) {
          this.ranges = split;
          this.offset = doneBytes(split.ranges);
          return { kept: true, joined: false };
        }
        partSize = await this.leaveRanges(split);
      }
      await this.#hashExisting(partSize);
      this.offset = partSize;
      return { kept: true, joined: typeof ranges === 'object' };
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
  }

  /**
   * Back to bytes in order from zero: a later range's bytes are dropped, and only then the ranges
   * state goes, so a crash in between leaves a state that still describes the file. Returns the
   * bytes kept (not yet hashed: see `rehash`).
   */
  async leaveRanges(split: RangesState): Promise<number> {
    const kept = contiguousBytes(split.ranges);
    await this.#handle?.truncate(kept);
    await removeRangesState(this.rangesPath);
    this.ranges = undefined;
    return kept;
  }

  /** A resumed file's sha256 must cover the bytes of earlier runs: read them once. */
  async #hashExisting(length: number): Promise<void> {
    const handle = this.#handle;
    const hash = this.#hash;
    if (handle === undefined || hash === undefined) return;
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let position = 0; position < length; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - position), position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  }

  /**
   * The first `length` bytes as the new offset, hashed anew when hashing (ranges arrive out of
   * order, so they are read back; without a hash there is nothing to read).
   */
  async rehash(length: number): Promise<void> {
    try {
      this.#hash = this.#createHash?.();
      await this.#hashExisting(length);
      this.offset = length;
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
  }

  /** Bytes taken from the body in order, for the streaming sha256. */
  hashed(chunk: Buffer): void {
    this.#hash?.update(chunk);
  }

  /** Undefined when no sha256 was asked for. */
  get sha256(): string | undefined {
    return this.#hash?.copy().digest('hex');
  }

  /** Drops every byte: the next answer starts the file over. */
  async truncate(): Promise<void> {
    try {
      await this.#handle?.truncate(0);
    } catch (error) {
      throw toOutputError(error, this.partPath);
    }
    this.offset = 0;
    this.#hash = this.#createHash?.();
    this.state = undefined;
  }

  async saveState(state: PartState): Promise<void> {
    this.state = state;
    await writePartState(this.statePath, state).catch((error: unknown) => {
      throw toOutputError(error, this.statePath);
    });
  }

  /**
   * Writes every byte or fails. A write may take fewer bytes than offered (a disk filling up,
   * a file-size limit): the rest is offered again, which then fails with the real reason
   * (ENOSPC, EFBIG) instead of counting bytes that never reached the disk.
   */
  async writeAt(buffers: Buffer[], position: number): Promise<void> {
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

  /** The bytes counted must be the bytes on disk, whatever a write or a crash did in between. */
  async checkSizeOnDisk(id: string): Promise<void> {
    // The part file is open whenever its size is checked, so `?.` on the handle cannot matter:
    // its mutant is equivalent.
    // Stryker disable next-line OptionalChaining
    const size = (await this.#handle?.stat())?.size;
    if (size !== this.offset) {
      throw new EzvideoError('output', `${id}: ${this.partPath} holds ${size ?? 0} bytes where ${this.offset} were written`, {
        hint: 'Run the same command again: it starts the file over.',
      });
    }
  }

  /** Flushed to disk, then renamed into place: the final path only ever holds a whole file. */
  async land(finalPath: string): Promise<void> {
    try {
      await this.#flush.settle();
      await this.#handle?.sync();
      await this.close();
      await rename(this.partPath, finalPath);
    } catch (error) {
      throw toOutputError(error, finalPath);
    }
    await removePartState(this.statePath);
  }

  /** A complete but wrong file is no base for a resume: remove it and its state. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.partPath, { force: true });
    await removePartState(this.statePath);
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
    if (this.offset > 0 || !this.#createdPart) return;
    if ((await stat(this.partPath).then((stats) => stats.size, () => 0)) > 0) return;
    await rm(this.partPath, { force: true }).catch(() => {});
    await removePartState(this.statePath).catch(() => {});
    await removeRangesState(this.rangesPath).catch(() => {});
  }
}
