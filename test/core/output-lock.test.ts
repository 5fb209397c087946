import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireOutputLock, type LockOwner } from '../../src/core/output-lock.js';

/** A pid no process has: the holder of the stale lock. */
const deadPid = 2 ** 22 + 1;
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
});
