import type { FileHandle } from 'node:fs/promises';

/**
 * Small positional reads of a file through one reused window, so the checks cost a few syscalls
 * however the headers are laid out, and memory stays at one window whatever the file size.
 *
 * Without the window, a hostile file made of millions of 8-byte boxes would cost one syscall per
 * box; with it, 64 KiB of headers come in one read. A header in a large file (a 1 GiB `mdat`
 * followed by `moov`) costs one read per header: the payload in between is never read.
 */
export class PositionalReader {
  readonly size: number;
  private readonly handle: FileHandle;
  private readonly window: Buffer;
  private windowStart = 0;
  private windowLength = 0;

  constructor(handle: FileHandle, size: number, windowSize = 64 * 1024) {
    this.handle = handle;
    this.size = size;
    this.window = Buffer.alloc(windowSize);
  }

  /**
   * The bytes at [position, position + length), cut short at the end of the file. The returned
   * buffer is a view of the window: it is valid until the next call.
   */
  async read(position: number, length: number): Promise<Buffer> {
    if (length > this.window.length) {
      throw new RangeError(`read of ${length} bytes exceeds the ${this.window.length}-byte window`);
    }
    const end = Math.min(position + length, this.size);
    if (position >= end) return this.window.subarray(0, 0);
    const covered = position >= this.windowStart && end <= this.windowStart + this.windowLength;
    if (!covered) await this.fill(position);
    const from = position - this.windowStart;
    // The file may have shrunk since `size` was taken: the view then ends where the data does.
    return this.window.subarray(from, Math.min(from + (end - position), this.windowLength));
  }

  private async fill(position: number): Promise<void> {
    this.windowStart = position;
    this.windowLength = 0;
    const want = Math.min(this.window.length, this.size - position);
    // A positional read may return fewer bytes than asked without being at the end of the file.
    while (this.windowLength < want) {
      const { bytesRead } = await this.handle.read(
        this.window,
        this.windowLength,
        want - this.windowLength,
        position + this.windowLength,
      );
      if (bytesRead === 0) return;
      this.windowLength += bytesRead;
    }
  }
}

/**
 * What a format checker concludes about a file: it holds together, or one sentence a person can
 * act on saying where it does not.
 */
export type Verdict = { ok: true } | { ok: false; reason: string };

export const passed: Verdict = { ok: true };

export function failed(reason: string): Verdict {
  return { ok: false, reason };
}
