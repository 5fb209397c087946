import { rename, rm, writeFile } from 'node:fs/promises';

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
