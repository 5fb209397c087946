import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { EzvideoError } from '../errors.js';
import { toOutputError } from './output-error.js';

/** Who we are, for the lock file; injected because `src/core` never reads `process` itself. */
export interface LockOwner {
  pid: number;
  /** Whether a process with this pid is still running on this host. */
  isAlive: (pid: number) => boolean;
}

interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

async function readLock(path: string): Promise<LockRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockRecord;
  } catch {
    // Unreadable or half-written (a crash between create and write): nobody can be holding it
    // meaningfully, and a live holder rewrites nothing after creation, so treat it as stale.
    return undefined;
  }
}

function sameRecord(a: LockRecord | undefined, b: LockRecord | undefined): boolean {
  return a?.pid === b?.pid && a?.host === b?.host && a?.startedAt === b?.startedAt;
}

function busyError(lockPath: string, outputPath: string, holder: LockRecord | undefined): EzvideoError {
  // No record: a lock just created, its record not yet written.
  const who = holder === undefined ? '' : ` (pid ${holder.pid} on ${holder.host})`;
  return new EzvideoError('output', `${outputPath} is being downloaded by another ezvideo process${who}`, {
    hint: `Wait for it to finish; if no such process exists, delete ${lockPath}.`,
  });
}

/**
 * An exclusive lock beside the partial file, so two ezvideo processes never write the same
 * output. Created with O_EXCL; a lock left by a crashed process (same host, pid gone) is
 * recovered. Returns the release function.
 */
export async function acquireOutputLock(lockPath: string, outputPath: string, owner: LockOwner): Promise<() => Promise<void>> {
  const record: LockRecord = { pid: owner.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(JSON.stringify(record));
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toOutputError(error, lockPath);
    }
    const holder = await readLock(lockPath);
    const stale = holder === undefined || (holder.host === record.host && !owner.isAlive(holder.pid));
    if (!stale) throw busyError(lockPath, outputPath, holder);
    // Two processes may judge the same lock stale; by the time the slower one removes it, the
    // faster one may have replaced it with its own fresh lock. So the lock is first moved aside
    // (atomic: only one process gets the file) and what was moved is read again: only the
    // record judged stale is deleted; a fresh one goes back, and the output is busy.
    const aside = `${lockPath}.stale-${owner.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await rename(lockPath, aside);
    } catch (error) {
      // Someone else moved it first: try again to create ours.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw toOutputError(error, lockPath);
    }
    const moved = await readLock(aside);
    if (!sameRecord(moved, holder)) {
      await rename(aside, lockPath);
      throw busyError(lockPath, outputPath, moved);
    }
    await rm(aside, { force: true });
  }
  throw new EzvideoError('output', `cannot lock ${outputPath}: the lock ${lockPath} keeps reappearing`);
}
