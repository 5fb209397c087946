/**
 * One side of the output-lock race (test/core/output-lock.test.ts): a process that, round after
 * round, waits for its rival at a barrier of files and then tries to lock the round's output.
 * It keeps every lock it gets until the end, so two owners of one round would both be counted.
 * Prints the rounds it owned as JSON.
 *
 * Arguments: <dir> <rounds> <name> <rival name>
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isProcessAlive } from '../../src/cli.js';
import { acquireOutputLock } from '../../src/core/output-lock.js';

const [dir = '', roundsText = '0', name = '', rival = ''] = process.argv.slice(2);
const rounds = Number(roundsText);

async function barrier(round: number): Promise<void> {
  await writeFile(join(dir, `ready-${round}-${name}`), '');
  for (;;) {
    try {
      await access(join(dir, `ready-${round}-${rival}`));
      return;
    } catch {
      await delay(1);
    }
  }
}

const owned: number[] = [];
const releases: Array<() => Promise<void>> = [];
for (let round = 0; round < rounds; round += 1) {
  await barrier(round);
  try {
    releases.push(await acquireOutputLock(join(dir, `out-${round}.mp4.part.lock`), `out-${round}.mp4`, { pid: process.pid, isAlive: isProcessAlive }));
    owned.push(round);
  } catch (error) {
    if (!/being downloaded by another ezvideo process/.test((error as Error).message)) throw error;
  }
}
process.stdout.write(`${JSON.stringify(owned)}\n`);
await Promise.all(releases.map((release) => release()));
