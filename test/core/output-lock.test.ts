import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { acquireOutputLock, type LockOwner } from '../../src/core/output-lock.js';

/** A pid no process has: the holder of the stale lock. */
const deadPid = 2 ** 22 + 1;
const execFileAsync = promisify(execFile);
const ownerWith = (pid: number): LockOwner => ({ pid, isAlive: (candidate) => candidate !== deadPid });

describe('acquireOutputLock', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ezvideo-lock-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('two processes recovering the same stale lock at once: exactly one gets it, the other is told it is busy (50 rounds)', async () => {
    for (let round = 0; round < 50; round += 1) {
      const lockPath = join(dir, `out-${round}.mp4.part.lock`);
      await writeFile(lockPath, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: new Date(0).toISOString() }));
      const results = await Promise.allSettled([
        acquireOutputLock(lockPath, 'out.mp4', ownerWith(1001)),
        acquireOutputLock(lockPath, 'out.mp4', ownerWith(1002)),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: ${lost.map((result) => String(result.reason)).join('; ')}`);
      assert.match(String((lost[0]?.reason as Error | undefined)?.message), /being downloaded by another ezvideo process/, `round ${round}`);
      await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    }
    assert.deepEqual(await readdir(dir), [], 'no lock and no stale record left behind');
  });

  it('a lock still without its record (just created by an older ezvideo) is held, not taken; an old one is recovered', async () => {
    const fresh = join(dir, 'empty-fresh.mp4.part.lock');
    await writeFile(fresh, '');
    await assert.rejects(acquireOutputLock(fresh, 'empty-fresh.mp4', ownerWith(1003)), /being downloaded by another ezvideo process/);
    assert.equal(await readFile(fresh, 'utf8'), '', 'the lock is left as it was');
    await rm(fresh);

    const old = join(dir, 'empty-old.mp4.part.lock');
    await writeFile(old, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(old, minuteAgo, minuteAgo);
    const release = await acquireOutputLock(old, 'empty-old.mp4', ownerWith(1004));
    assert.equal((JSON.parse(await readFile(old, 'utf8')) as { pid: number }).pid, 1004);
    await release();
  });

  it('the lock always holds a complete record, and no file of its making is left beside it', async () => {
    const lockPath = join(dir, 'complete.mp4.part.lock');
    const release = await acquireOutputLock(lockPath, 'complete.mp4', ownerWith(1005));
    assert.deepEqual(Object.keys(JSON.parse(await readFile(lockPath, 'utf8')) as object).sort(), ['host', 'pid', 'startedAt']);
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('complete.')), ['complete.mp4.part.lock']);
    await release();
  });

  it("leftovers of an interrupted recovery or creation are removed once their owner is dead, a live owner's kept", async () => {
    const lockPath = join(dir, 'left.mp4.part.lock');
    const dead = [`left.mp4.part.lock.stale-${deadPid}-0a1b2c3d`, `left.mp4.part.lock.new-${deadPid}-0a1b2c3d`];
    const live = `left.mp4.part.lock.stale-1006-0a1b2c3d`;
    for (const name of [...dead, live]) await writeFile(join(dir, name), '{}');
    const release = await acquireOutputLock(lockPath, 'left.mp4', ownerWith(1007));
    await release();
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('left.')), [live]);
    await rm(join(dir, live));
  });

  it('200 rounds of two processes racing for one output: never two owners, and a live holder\'s lock (empty or whole) is never taken', async () => {
    const raceDir = await mkdtemp(join(tmpdir(), 'ezvideo-lock-race-'));
    const rounds = 200;
    // Round kinds: a free output, a stale lock (dead owner) to recover, a lock this live test
    // process has just created and not yet written, and a complete one this process holds.
    const kindOf = (round: number) => (['free', 'stale', 'empty-live', 'held-live'] as const)[round % 4];
    for (let round = 0; round < rounds; round += 1) {
      const lockPath = join(raceDir, `out-${round}.mp4.part.lock`);
      const kind = kindOf(round);
      if (kind === 'stale') await writeFile(lockPath, JSON.stringify({ pid: deadPid, host: hostname(), startedAt: new Date(0).toISOString() }));
      if (kind === 'empty-live') await writeFile(lockPath, '');
      if (kind === 'held-live') await writeFile(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
    }
    const racer = fileURLToPath(new URL('../helpers/lock-racer.js', import.meta.url));
    const race = (name: string, rival: string) => execFileAsync(process.execPath, [racer, raceDir, String(rounds), name, rival]);
    try {
      const [a, b] = await Promise.all([race('a', 'b'), race('b', 'a')]);
      const ownedBy = [a, b].map((run) => new Set(JSON.parse(run.stdout) as number[]));
      const owners = (round: number) => ownedBy.filter((owned) => owned.has(round)).length;
      for (let round = 0; round < rounds; round += 1) {
        const expected = kindOf(round) === 'free' || kindOf(round) === 'stale' ? 1 : 0;
        assert.equal(owners(round), expected, `round ${round} (${kindOf(round)}): ${owners(round)} owners`);
      }
      assert.ok(ownedBy.every((owned) => owned.size > 0), 'both processes won some rounds: they really raced');
    } finally {
      await rm(raceDir, { recursive: true, force: true });
    }
  });
});
