import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { Direction } from 'node:readline';
import { Writable } from 'node:stream';

/** The parts of tty.WriteStream that cli-progress and ora use to draw in place. */
export interface TerminalStream extends Writable {
  readonly isTTY: true;
  readonly columns: number | undefined;
  readonly rows: number | undefined;
  cursorTo(x: number, y?: number, callback?: () => void): boolean;
  moveCursor(dx: number, dy: number, callback?: () => void): boolean;
  clearLine(dir: Direction, callback?: () => void): boolean;
  clearScreenDown(callback?: () => void): boolean;
}

function isTerminalStream(stream: Writable): stream is TerminalStream {
  const candidate = stream as Partial<TerminalStream>;
  return candidate.isTTY === true && typeof candidate.cursorTo === 'function' && typeof candidate.moveCursor === 'function';
}

/**
 * A terminal (or a test's fake one) is used as it is. `--progress bar` forced onto a pipe or a
 * file gets a view that claims to be a terminal, because both libraries quietly draw nothing
 * on a stream that does not, and the user asked for bars (e.g. a log viewer that renders ANSI).
 */
export function asTerminal(stream: Writable): TerminalStream {
  return isTerminalStream(stream) ? stream : new TerminalView(stream);
}

/**
 * Writes pass straight through, synchronously: buffering here could lose the last frame when
 * the CLI exits right after close(), and the target stream applies its own backpressure.
 */
class TerminalView extends Writable implements TerminalStream {
  readonly isTTY = true;
  readonly #target: Writable & { columns?: number; rows?: number };

  constructor(target: Writable) {
    super();
    this.#target = target;
  }

  get columns(): number | undefined {
    return this.#target.columns;
  }

  get rows(): number | undefined {
    return this.#target.rows;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#target.write(chunk);
    callback();
  }

  cursorTo(x: number, y?: number, callback?: () => void): boolean {
    return cursorTo(this, x, y, callback);
  }

  moveCursor(dx: number, dy: number, callback?: () => void): boolean {
    return moveCursor(this, dx, dy, callback);
  }

  clearLine(dir: Direction, callback?: () => void): boolean {
    return clearLine(this, dir, callback);
  }

  clearScreenDown(callback?: () => void): boolean {
    return clearScreenDown(this, callback);
  }
}
