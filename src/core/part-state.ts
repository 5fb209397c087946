/**
 * The side files of an unfinished download, beside its part file: `<out>.part.json` (what the
 * bytes are and where they came from) and, while several connections fill the file out of
 * order, `<out>.part.ranges.json` (how far each range got). Both are written whole or not at all.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { SourceKind } from './content-source.js';

/**
 * What is known about the partial file beside it (`<out>.part.json`), so that a later run can
 * ask the server for the rest and prove it is the same content: the URL it came from, its
 * validators and total size. A part file without a matching state file is never trusted.
 */
export interface PartState {
  version: 1;
  id: string;
  /**
   * The source's identity (the content URL, or a direct link without its query): bytes from
   * another base URL, variant or link are resumed only under the same strong ETag.
   */
  url: string;
  /** Which source the bytes came from (absent in state files of earlier versions: the gateway). */
  source?: SourceKind | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
  totalBytes: number | undefined;
  contentType: string | undefined;
}

export async function readPartState(path: string): Promise<PartState | undefined> {
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as Partial<PartState>;
    return state.version === 1 && typeof state.id === 'string' && typeof state.url === 'string'
      ? (state as PartState)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writePartState(path: string, state: PartState): Promise<void> {
  await writeJsonAtomically(path, state);
}

export async function removePartState(path: string): Promise<void> {
  await removeJsonFile(path);
}

/** The validator for If-Range: a strong ETag, else Last-Modified (RFC 9110 forbids weak ETags there). */
export function ifRangeValidator(state: Pick<PartState, 'etag' | 'lastModified'>): string | undefined {
  if (state.etag !== undefined && !state.etag.startsWith('W/')) return state.etag;
  return state.lastModified;
}

/**
 * The side files of a download (`<out>.part.json`, `<out>.part.ranges.json`) are written to a
 * temporary name and renamed, so a crash never leaves a half-written one. Callers that may
 * write the same path twice at once chain their writes: they share the temporary name.
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, JSON.stringify(value));
  await rename(temporary, path);
}

/** Removes a side file; one already gone is fine. */
export async function removeJsonFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** One byte range of a multi-connection download: `[start, end)`, of which `done` bytes are on disk. */
export interface RangeProgress {
  start: number;
  end: number;
  done: number;
}

/**
 * The side state of a multi-connection download (`<out>.part.ranges.json`, beside the
 * PartState): the ranges the file was split into and how far each got. Its presence says the
 * part file has holes: without it the part file's size is the number of bytes in order from
 * zero, which is what a single-connection resume relies on. So it is written before any byte
 * lands out of order, and removed only once the part file is contiguous again.
 */
export interface RangesState {
  version: 1;
  /** The strong ETag every range was asked for with If-Range. */
  etag: string;
  totalBytes: number;
  ranges: RangeProgress[];
}

export function rangesStatePath(partPath: string): string {
  return `${partPath}.ranges.json`;
}

function isRange(value: unknown): value is RangeProgress {
  const range = value as Partial<RangeProgress> | null;
  return (
    typeof range === 'object' &&
    range !== null &&
    Number.isSafeInteger(range.start) &&
    Number.isSafeInteger(range.end) &&
    Number.isSafeInteger(range.done) &&
    (range.start as number) >= 0 &&
    (range.done as number) >= 0 &&
    (range.start as number) + (range.done as number) <= (range.end as number)
  );
}

/** `missing` when there is no file; `invalid` when there is one but it cannot be trusted. */
export async function readRangesState(path: string): Promise<RangesState | 'missing' | 'invalid'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'invalid';
  }
  try {
    const state = JSON.parse(text) as Partial<RangesState>;
    const ranges = state.ranges;
    const valid =
      state.version === 1 &&
      typeof state.etag === 'string' &&
      Number.isSafeInteger(state.totalBytes) &&
      Array.isArray(ranges) &&
      ranges.length > 0 &&
      ranges.every(isRange) &&
      ranges.every((range, index) => range.start === (index === 0 ? 0 : ranges[index - 1]?.end)) &&
      ranges.at(-1)?.end === state.totalBytes;
    return valid ? (state as RangesState) : 'invalid';
  } catch {
    return 'invalid';
  }
}

export async function writeRangesState(path: string, state: RangesState): Promise<void> {
  await writeJsonAtomically(path, state);
}

export async function removeRangesState(path: string): Promise<void> {
  await removeJsonFile(path);
}

/**
 * Splits `[from, total)` into `count` ranges of about equal size, after a first range `[0, from)`
 * already done when `from` > 0 (the bytes a single connection had fetched before).
 */
export function splitRanges(from: number, total: number, count: number): RangeProgress[] {
  const ranges: RangeProgress[] = from > 0 ? [{ start: 0, end: from, done: from }] : [];
  const size = Math.ceil((total - from) / count);
  for (let start = from; start < total; start += size) ranges.push({ start, end: Math.min(total, start + size), done: 0 });
  return ranges;
}

export function doneBytes(ranges: readonly RangeProgress[]): number {
  return ranges.reduce((sum, range) => sum + range.done, 0);
}

/** The bytes in order from zero: what a single connection can resume after. */
export function contiguousBytes(ranges: readonly RangeProgress[]): number {
  for (const range of ranges) {
    if (range.start + range.done < range.end) return range.start + range.done;
  }
  return ranges.at(-1)?.end ?? 0;
}

/**
 * No range may claim bytes past the end of the part file: a crash between truncating it (on the
 * way back to one connection) and removing this state leaves exactly that.
 */
export function clampToFile(state: RangesState, fileSize: number): RangesState {
  return {
    ...state,
    ranges: state.ranges.map((range) => ({ ...range, done: Math.max(0, Math.min(range.done, fileSize - range.start)) })),
  };
}
