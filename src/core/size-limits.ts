/**
 * `--max-filesize` and `--min-filesize`, checked the same way by every engine: on the size the
 * answer announces (before any byte is written), on the bytes as they arrive (a size that was
 * not announced), and on the whole file once the transfer ended.
 */
import { tooLargeError, tooSmallError } from './download-errors.js';

export interface SizeLimits {
  /** Refuse a file bigger than this many bytes. */
  maxBytes?: number | undefined;
  /** Refuse a file smaller than this many bytes. */
  minBytes?: number | undefined;
}

/** `stdout`: the bytes go to a stream, not a file (the errors' hints say so). */
export class SizeGuard {
  readonly #id: string;
  readonly #limits: SizeLimits;
  readonly #stdout: boolean;

  constructor(id: string, limits: SizeLimits, stdout = false) {
    this.#id = id;
    this.#limits = limits;
    this.#stdout = stdout;
  }

  /**
   * The whole file's size, from Content-Length or the Content-Range total, when the answer gives
   * it. Before any byte of this answer went anywhere, stdout included: the hint says nothing was saved.
   */
  announced(total: number | undefined): void {
    if (total === undefined) return;
    const { maxBytes, minBytes } = this.#limits;
    if (maxBytes !== undefined && total > maxBytes) throw tooLargeError(this.#id, total, maxBytes, true);
    if (minBytes !== undefined && total < minBytes) throw tooSmallError(this.#id, total, minBytes, true);
  }

  /** Before bytes that would make the file `bytes` long are written: none past the limit is. */
  growing(bytes: number): void {
    const { maxBytes } = this.#limits;
    if (maxBytes !== undefined && bytes > maxBytes) throw tooLargeError(this.#id, bytes, maxBytes, false, this.#stdout);
  }

  /** The file as it ended: the bytes an earlier run left (a 416 says they are all) included. */
  whole(bytes: number): void {
    const { maxBytes, minBytes } = this.#limits;
    if (maxBytes !== undefined && bytes > maxBytes) throw tooLargeError(this.#id, bytes, maxBytes, true, this.#stdout);
    if (minBytes !== undefined && bytes < minBytes) throw tooSmallError(this.#id, bytes, minBytes, false, this.#stdout);
  }
}
