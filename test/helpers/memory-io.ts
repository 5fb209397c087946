import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import type { Direction } from 'node:readline';
import type { CommandIO } from '../../src/commands/io.js';
import { interruptionError } from '../../src/errors.js';

export interface MemoryStreamOptions {
  /** Make the stream look like a terminal: `isTTY`, a size, and tty.WriteStream's cursor methods. */
  tty?: boolean;
  columns?: number;
  rows?: number;
}

/**
 * A Writable that keeps every byte written to it. Writes land synchronously (the callback is
 * called at once), so a test can read `text()` right after the code under test wrote.
 * With `tty: true` it passes for a terminal: cli-progress and ora check `isTTY`, read
 * `columns`/`rows`, and ora calls `cursorTo`/`moveCursor`/`clearLine` on the stream itself.
 */
export class MemoryStream extends Writable {
  readonly chunks: Buffer[] = [];
  readonly isTTY: boolean;
  columns: number | undefined;
  rows: number | undefined;

  constructor(options: MemoryStreamOptions = {}) {
    super();
    this.isTTY = options.tty ?? false;
    this.columns = options.tty ? (options.columns ?? 100) : undefined;
    this.rows = options.tty ? (options.rows ?? 40) : undefined;
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }

  cursorTo(x: number, y?: number | (() => void), callback?: () => void): boolean {
    return typeof y === 'function' ? cursorTo(this, x, undefined, y) : cursorTo(this, x, y, callback);
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

export interface MemoryIOOptions {
  env?: Record<string, string | undefined>;
  /** What the command reads from stdin (ids with `-`); empty when not given. */
  stdin?: string | Buffer;
  stderrIsTTY?: boolean;
  columns?: number;
}

export interface MemoryIO {
  io: CommandIO;
  stdout: MemoryStream;
  stderr: MemoryStream;
  /** Simulates SIGINT/SIGTERM: aborts `io.signal` with the error the CLI uses for it. */
  interrupt(signal?: 'SIGINT' | 'SIGTERM'): void;
}

/** A CommandIO wired to memory, for running a command in a test without a process. */
export function createMemoryIO(options: MemoryIOOptions = {}): MemoryIO {
  const stdout = new MemoryStream();
  const stderrIsTTY = options.stderrIsTTY ?? false;
  const stderr = new MemoryStream(options.columns === undefined ? { tty: stderrIsTTY } : { tty: stderrIsTTY, columns: options.columns });
  const controller = new AbortController();
  const io: CommandIO = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? {},
    stderrIsTTY,
    signal: controller.signal,
  };
  return { io, stdout, stderr, interrupt: (signal = 'SIGINT') => controller.abort(interruptionError(signal)) };
}
