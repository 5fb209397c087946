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

/**
 * A usable terminal: a TTY with the cursor methods and a known width. A pseudo-terminal whose
 * size was never set (`script` without a terminal around it, `docker run -t` in CI) reports 0
 * columns, and ora divides by the width: it would clear an endless number of lines.
 */
function isTerminalStream(stream: Writable): stream is TerminalStream {
  const candidate = stream as Partial<TerminalStream>;
  return (
    candidate.isTTY === true &&
    typeof candidate.cursorTo === 'function' &&
    typeof candidate.moveCursor === 'function' &&
    (candidate.columns ?? 0) > 0
  );
}

/**
 * A terminal (or a test's fake one) of a known width is used as it is. `--progress bar` forced onto a pipe or a
 * file gets a view that claims to be a terminal, because both libraries quietly draw nothing
 * on a stream that does not, and the user asked for bars (e.g. a log viewer that renders ANSI).
 */
export function asTerminal(stream: Writable): TerminalStream {
  return isTerminalStream(stream) ? stream : new TerminalView(stream);
}

/**
 * Writes pass straight through, synchronously, bypassing Writable's buffer: buffering here
 * could lose the last frame when the CLI exits right after close(), and, worse, ora hooks
 * process.stderr and recognises its own writes only while they happen synchronously; a
 * buffered cursor move reaching stderr later looks foreign to it, makes it clear the line,
 * which buffers another cursor move, without end.
 */
class TerminalView extends Writable implements TerminalStream {
  readonly isTTY = true;
  readonly #target: Writable & { columns?: number; rows?: number };

  constructor(target: Writable) {
    super();
    this.#target = target;
  }

  /** Undefined rather than 0, so the libraries fall back to their default width. */
  get columns(): number | undefined {
    return this.#target.columns || undefined;
  }

  get rows(): number | undefined {
    return this.#target.rows || undefined;
  }

  // The `any`s are Writable.write's own overloaded parameter types, passed on unchanged.
  override write(chunk: any, encoding?: any, callback?: any): boolean {
    return this.#target.write(chunk, encoding, callback);
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
