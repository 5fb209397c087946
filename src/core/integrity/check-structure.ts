import { open, stat } from 'node:fs/promises';
import { EzvideoError } from '../../errors.js';
import { fileErrorWords } from '../download-errors.js';
import { type CheckableFormat, formatFromContentType, sniffFormat } from './detect-format.js';
import { checkIsoBmff } from './iso-bmff.js';
import { checkJpeg } from './jpeg.js';
import { PositionalReader, type Verdict } from './positional-reader.js';
import { checkWebp } from './webp.js';

/**
 * The structure check of a finished file: a byte count alone cannot tell a whole video from one
 * that a gateway's transfer time limit ended cleanly in the middle of a chunked response.
 */

export type StructureKind = 'mp4' | 'webp' | 'jpeg' | 'none';

export interface StructureCheck {
  /** The format checked (`mp4` covers every ISO-BMFF type), or `none` when no check applies. */
  kind: StructureKind;
  /** False when no structure check exists for the file's type; it then passes unchecked. */
  checked: boolean;
  ok: boolean;
  /** Why it failed, or why it was not checked; absent when it was checked and passed. */
  reason?: string;
  /** The file's size in bytes. */
  bytes: number;
}

/**
 * Checks the file at `path` by reading its box/chunk headers only (a few reads whatever its
 * size). `contentType` is the server's Content-Type; `undefined` for files already on disk.
 *
 * The file's own magic bytes win over the Content-Type when they name a checkable format:
 * gateways often serve videos as application/octet-stream or mislabel thumbnails, while the
 * first bytes of a truncated file are still intact. The Content-Type decides only when the bytes
 * are not recognised, so a page of HTML served as video/mp4 fails instead of passing unchecked.
 *
 * Throws an UnreadableFileError (`output`, exit 9) when the file cannot be read.
 */
export async function checkFileStructure(path: string, contentType: string | undefined): Promise<StructureCheck> {
  let handle;
  try {
    // Looked at before opening: opening a FIFO for reading would block until a writer comes.
    if (!(await stat(path)).isFile()) throw new UnreadableFileError(path, 'not a regular file');
    handle = await open(path, 'r');
  } catch (error) {
    throw error instanceof EzvideoError ? error : readError(path, error);
  }
  try {
    const stats = await handle.stat();
    const reader = new PositionalReader(handle, stats.size);
    const format = (await sniffFormat(reader)) ?? formatFromContentType(contentType);
    if (format === undefined) {
      const type = contentType === undefined || contentType.trim() === '' ? '' : ` (${contentType.trim()})`;
      return {
        kind: 'none',
        checked: false,
        ok: true,
        reason: `no structure check for this type${type}: only MP4/ISO-BMFF, WebP and JPEG are checked`,
        bytes: stats.size,
      };
    }
    const verdict = await checkFormat(format, reader);
    return verdict.ok
      ? { kind: format.kind, checked: true, ok: true, bytes: stats.size }
      : { kind: format.kind, checked: true, ok: false, reason: verdict.reason, bytes: stats.size };
  } catch (error) {
    throw error instanceof EzvideoError ? error : readError(path, error);
  } finally {
    await handle.close();
  }
}

/** A file that could not be opened or read: an output error (exit 9), not a verdict on it. */
export class UnreadableFileError extends EzvideoError {
  readonly path: string;
  /** Why, in words and without the path, e.g. "no such file or directory". */
  readonly why: string;

  constructor(path: string, why: string, cause?: unknown) {
    super('output', `cannot read ${path}: ${why}`, { cause });
    this.name = 'UnreadableFileError';
    this.path = path;
    this.why = why;
  }
}

function readError(path: string, error: unknown): UnreadableFileError {
  return new UnreadableFileError(path, fileErrorWords(error), error);
}

function checkFormat(format: CheckableFormat, reader: PositionalReader): Promise<Verdict> {
  switch (format.kind) {
    case 'mp4':
      return checkIsoBmff(reader, { requireFtyp: format.requireFtyp });
    case 'webp':
      return checkWebp(reader);
    case 'jpeg':
      return checkJpeg(reader);
  }
}
