import { stat } from 'node:fs/promises';
import { acquireOutputLock, type LockOwner } from './output-lock.js';
import { removePartState } from './part-state.js';

/**
 * A run killed between renaming the finished file into place and removing its sidecars leaves
 * `<out>.part.json` and `<out>.part.lock` beside a whole file. Every later run finds the output
 * there and stops before it would take the lock, so nothing else ever clears them. They describe
 * a download that is over: without a part file the state has nothing to resume, and a lock whose
 * holder is gone is stale. Both are removed; a lock held by a live process (another ezvideo
 * replacing the file with --force) is left alone, and so is everything else then.
 */
export async function removeLeftoversOfLandedRun(outputPath: string, owner: LockOwner): Promise<void> {
  const partPath = `${outputPath}.part`;
  const present = (path: string) => stat(path).then(() => true, () => false);
  if (await present(partPath)) return;
  if (!(await present(`${partPath}.json`)) && !(await present(`${partPath}.lock`))) return;
  let release: () => Promise<void>;
  try {
    release = await acquireOutputLock(`${partPath}.lock`, outputPath, owner);
  } catch {
    return;
  }
  try {
    await removePartState(`${partPath}.json`);
  } finally {
    await release();
  }
}
