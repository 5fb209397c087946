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
