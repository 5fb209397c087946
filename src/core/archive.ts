import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Variant } from '../api/client.js';
import { EzvideoError } from '../errors.js';
import { cannotReadError, toOutputError } from './download-errors.js';

/** One landed file, as one line of the archive. */
export interface ArchiveEntry {
  id: string;
  variant: Variant;
  path: string;
  bytes: number;
  sha256: string | undefined;
  /** ISO 8601 UTC */
  time: string;
}

const spaceCodes = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * An archive that cannot be read or written, as an `output` error (exit 9) in the words of the
 * other file errors. The hints of those speak of -o and --dir, which do not move the archive.
 */
function archiveError(error: unknown, path: string, reading: boolean): EzvideoError {
  if (error instanceof EzvideoError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const hint =
    code !== undefined && spaceCodes.has(code)
      ? 'Free some space, then run the same command again.'
      : 'Give --archive (or EZVIDEO_ARCHIVE, or `ezvideo config set archive`) a file you can read and write.';
  const words = reading ? cannotReadError(`the archive ${path}`, error, hint) : toOutputError(error, path);
  return new EzvideoError('output', words.message, { cause: error, causeCode: words.causeCode, hint });
}

const keyOf = (id: string, variant: string): string => JSON.stringify([id, variant]);

/**
 * The keys of an archive's text. Only lines that end with `\n` count: an append is one write of
 * its whole line, so text after the last `\n` is a line torn by a crash or a full disk, whose
 * append never resolved. Any line that is not an entry (blank, garbage, no id or variant) is
 * skipped rather than refused: the archive only ever makes downloads skippable, and a line lost
 * costs one download again. Fields other than id and variant are not needed to skip, so lines
 * from a later version with more (or other) fields still count.
 */
function archivedKeys(text: string): Set<string> {
  const keys = new Set<string>();
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const entry = value as { id?: unknown; variant?: unknown } | null;
    if (typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.id !== 'string' || entry.id === '' || typeof entry.variant !== 'string' || entry.variant === '') continue;
    keys.add(keyOf(entry.id, entry.variant));
  }
  return keys;
}

const newline = 0x0a;

/**
 * The record of landed files behind `--archive <file>`: JSON Lines, one
 * `{"id","variant","path","bytes","sha256","time"}` object per file, appended once the file
 * has landed. `has` answers from a Set filled when the archive is opened (a 50,000-line archive
 * opened in about 125 ms, 65 ms once warm, on 2 shared cores), so skipping costs no request and
 * no file access.
 *
 * Why appends never lose or interleave lines, between processes and within one: the file is
 * opened with O_APPEND, and each line, `\n` included, is one write() (libuv writes one buffer
 * with one write() call). On a local file system, Linux performs a write to an O_APPEND file
 * under the inode's lock, moving to the end and copying the bytes in one step, so another
 * appender's write lands wholly before or wholly after it; nothing else is relied on, and
 * network file systems (NFS) do not promise it. Two FileHandle.write calls in flight at once in
 * one process are safe for the same reason: what Node warns about is the order of positioned
 * writes, and an append has no position. The one exception is a short write, which only a full
 * disk or a size limit causes: libuv then writes the rest with a second write(), which fails
 * the same way, and the append rejects; what reached the file is a torn line, which readers
 * ignore and the next append does not continue (see #write). Were space freed between the two,
 * the line would go out in two writes and could interleave with a rival's: a window of one
 * system call, on a disk that was full.
 */
export class DownloadArchive {
  readonly path: string;
  readonly #keys: Set<string>;
  readonly #pending = new Set<Promise<void>>();
  #handle: Promise<FileHandle> | undefined;

  private constructor(path: string, keys: Set<string>, handle: FileHandle | undefined) {
    this.path = path;
    this.#keys = keys;
    this.#handle = handle === undefined ? undefined : Promise.resolve(handle);
  }

  /** Reads the archive (a missing file is an empty archive; its folder is created on first append). */
  static async open(path: string): Promise<DownloadArchive> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw archiveError(error, path, true);
    }
    if (text === undefined) return new DownloadArchive(path, new Set(), undefined);
    // An archive that exists is opened for appending now, so that one ezvideo cannot write to
    // fails before the first download rather than after it.
    const handle = await open(path, 'a+').catch((error: unknown) => {
      throw archiveError(error, path, false);
    });
    return new DownloadArchive(path, archivedKeys(text), handle);
  }

  has(id: string, variant: Variant): boolean {
    return this.#keys.has(keyOf(id, variant));
  }

  /** One landed file: appended as one line, data flushed (fdatasync) before it resolves; `has` is true after. */
  append(entry: ArchiveEntry): Promise<void> {
    const line = `${JSON.stringify({ id: entry.id, variant: entry.variant, path: entry.path, bytes: entry.bytes, sha256: entry.sha256 ?? null, time: entry.time })}\n`;
    const appended = this.#write(line).then(
      () => {
        this.#keys.add(keyOf(entry.id, entry.variant));
      },
      (error: unknown) => {
        throw archiveError(error, this.path, false);
      },
    );
    const settled = appended.catch(() => {});
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return appended;
  }

  async #write(line: string): Promise<void> {
    const handle = await this.#appendHandle();
    // A file that does not end with `\n` ends with a torn line (a crash, a full disk): this line
    // starts after a `\n` of its own rather than continuing that fragment into one bad line. The
    // check takes no lock, so it can also see another appender's line half copied in (the size
    // grows page by page during a write: two processes racing 500 lines each left 2 or 3 such
    // `\n`s), or two appenders can both see one torn end. Either way the extra `\n` is written at
    // the start of this line's own single write, after the other write is whole: it makes an empty
    // line, which readers skip, and never splits a line. Only a torn write landing between this
    // check and the write below could glue onto this line, and that needs another appender's disk
    // to be full while this write succeeds.
    const { size } = await handle.stat();
    let text = line;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== newline) text = `\n${line}`;
    }
    const bytes = Buffer.from(text, 'utf8');
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
    if (bytesWritten !== bytes.length) {
      throw new EzvideoError('output', `cannot write ${this.path}: only ${bytesWritten} of the ${bytes.length} bytes of a line were written (the disk is full, or a file size limit was reached)`, {
        hint: 'Free some space (or raise the file size limit), then run the same command again.',
      });
    }
    // The line's bytes only: the archive's name in its folder is not flushed when it is created.
    // A crash that loses a new archive loses entries, which costs downloads again, never a skip
    // of a file that is not there.
    await handle.datasync();
  }

  #appendHandle(): Promise<FileHandle> {
    if (this.#handle === undefined) {
      const opening = mkdir(dirname(this.path), { recursive: true }).then(() => open(this.path, 'a+'));
      // A failed open (EMFILE) is tried again by the next append rather than failing them all.
      opening.catch(() => {
        if (this.#handle === opening) this.#handle = undefined;
      });
      this.#handle = opening;
    }
    return this.#handle;
  }

  /** Waits for the appends under way, then closes the file. */
  async close(): Promise<void> {
    await Promise.all(this.#pending);
    const handle = await this.#handle?.catch(() => undefined);
    this.#handle = undefined;
    await handle?.close();
  }
}
