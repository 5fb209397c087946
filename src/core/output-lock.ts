import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { EzvideoError } from '../errors.js';
import { toOutputError } from './download-errors.js';

/** Who we are, for the lock file; injected because `src/core` never reads `process` itself. */
export interface LockOwner {
  pid: number;
  /** Whether a process with this pid is still running on this host. */
  isAlive: (pid: number) => boolean;
}

/**
 * Without a way to tell live processes from dead ones (library callers that pass no
 * `lockOwner`), a lock is never taken for stale: its error names the file to delete by hand.
 */
export const lockNeverExpires: LockOwner = { pid: 0, isAlive: () => true };

interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * A lock without a readable record: only a crash of an ezvideo from before complete records
 * (it created the file, then wrote it) or damage leaves one. It may still be one that such a
 * process has just created, so it counts as held until it is this old.
 */
const unreadableLockStaleMs = 30_000;

type LockRead = { record: LockRecord } | { record: undefined; ageMs: number };

async function readLock(path: string): Promise<LockRead> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as LockRecord;
    if (typeof record?.pid === 'number' && typeof record.host === 'string') return { record };
  } catch {
    // Read below as a lock without a record.
  }
  const modified = await stat(path).then((stats) => stats.mtimeMs, () => 0);
  return { record: undefined, ageMs: Date.now() - modified };
}

/**
 * Puts a complete record in place at once: written to a file of our own, then linked to the
 * lock's name, which fails if the name is taken. A lock that exists therefore always says who
 * holds it. Where the file system has no hard links, O_EXCL and a write instead.
 */
async function createLock(lockPath: string, record: LockRecord, owner: LockOwner): Promise<void> {
  const temporary = `${lockPath}.new-${owner.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, JSON.stringify(record), { flag: 'wx' });
  try {
    await link(temporary, lockPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    const handle = await open(lockPath, 'wx');
    await handle.writeFile(JSON.stringify(record));
    await handle.close();
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * What a recovery or a creation interrupted by a crash leaves beside the lock
 * (`<lock>.stale-<pid>-<hex>`, `<lock>.new-<pid>-<hex>`): removed once their owner is gone.
 */
async function removeLeftovers(lockPath: string, owner: LockOwner): Promise<void> {
  const prefix = `${basename(lockPath)}.`;
  const names = await readdir(dirname(lockPath)).catch(() => []);
  for (const name of names) {
    const match = /^(?:stale|new)-(\d+)-[0-9a-f]+$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (match?.[1] !== undefined && Number(match[1]) !== owner.pid && !owner.isAlive(Number(match[1]))) {
      await rm(join(dirname(lockPath), name), { force: true });
    }
  }
}

function sameRecord(a: LockRecord | undefined, b: LockRecord | undefined): boolean {
  return a?.pid === b?.pid && a?.host === b?.host && a?.startedAt === b?.startedAt;
}

function busyError(lockPath: string, outputPath: string, holder: LockRecord | undefined, activity: string): EzvideoError {
  // No record: a lock of an older ezvideo, just created, its record not yet written.
  const who = holder === undefined ? '' : ` (pid ${holder.pid} on ${holder.host})`;
  return new EzvideoError('output', `${outputPath} is ${activity} by another ezvideo process${who}`, {
    hint: `Wait for it to finish; if no such process exists, delete ${lockPath}.`,
  });
}

/**
 * An exclusive lock beside the partial file (or the journal of `create`), so two ezvideo
 * processes never write the same output. Created with O_EXCL; a lock left by a crashed process
 * (same host, pid gone) is recovered. `activity` is what the holder is doing, for the refusal
 * (`being downloaded`). Returns the release function.
 */
export async function acquireOutputLock(lockPath: string, outputPath: string, owner: LockOwner, activity = 'being downloaded'): Promise<() => Promise<void>> {
  const record: LockRecord = { pid: owner.pid, host: hostname(), startedAt: new Date().toISOString() };
  await removeLeftovers(lockPath, owner);
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      await createLock(lockPath, record, owner);
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toOutputError(error, outputPath);
    }
    const read = await readLock(lockPath);
    const holder = read.record;
    const stale = holder === undefined ? read.ageMs >= unreadableLockStaleMs : holder.host === record.host && !owner.isAlive(holder.pid);
    if (!stale) throw busyError(lockPath, outputPath, holder, activity);
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
    const moved = (await readLock(aside)).record;
    if (!sameRecord(moved, holder)) {
      await rename(aside, lockPath);
      throw busyError(lockPath, outputPath, moved, activity);
    }
    await rm(aside, { force: true });
  }
  throw new EzvideoError('output', `cannot lock ${outputPath}: the lock ${lockPath} keeps reappearing`);
}
