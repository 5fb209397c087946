/**
 * Folders that refuse writes, for the output-error tests: a small tmpfs (disk full) or a
 * read-only one. Mounting needs root (and a container that allows it); a folder's mode bits
 * stop everyone but root. Where neither works, these return undefined and the test skips.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';

export interface Mounted {
  dir: string;
  /** Unmounts (or restores the mode); safe to call twice. */
  release: () => Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/** A tmpfs of `size` (e.g. `256k`) on `dir`, with extra mount options; undefined where not permitted. */
export async function mountTmpfs(dir: string, size: string, options: readonly string[] = []): Promise<Mounted | undefined> {
  await mkdir(dir, { recursive: true });
  if (!isRoot) return undefined;
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', [`size=${size}`, ...options].join(','), 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status !== 0) return undefined;
  let released = false;
  return {
    dir,
    release: async () => {
      if (released) return;
      released = true;
      spawnSync('umount', [dir], { stdio: 'ignore' });
    },
  };
}

/** A folder nobody can write to: a read-only tmpfs as root, mode 0555 otherwise. */
export async function readOnlyDir(dir: string): Promise<Mounted | undefined> {
  if (isRoot) return mountTmpfs(dir, '64k', ['ro']);
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o555);
  return { dir, release: () => chmod(dir, 0o755) };
}
