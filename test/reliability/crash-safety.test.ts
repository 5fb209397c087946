/**
 * Crash safety: the real binary is killed with SIGKILL (no chance to clean up) at seeded random
 * moments of a throttled download, including the last milliseconds (checks, fsync, rename),
 * then the same command is run again until it is done. At no observed moment may the final path
 * hold anything but the served file, and the end is always that file alone.
 *
 * CRASH_SEED and CRASH_TRIALS change the seed and the number of trials.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { runPool } from '../../src/core/limiter.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { mulberry32 } from '../../src/mock/prng.js';
import { fileSha256, filesIn, removeTempDirs, servedSha256, sidecars, sizeOf, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import type { CliRun } from '../helpers/run-cli.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

const seed = Number(process.env['CRASH_SEED'] ?? 7_070_707);
const trialCount = Number(process.env['CRASH_TRIALS'] ?? 30);
const KiB = 1024;
/** Kills per trial at most, before the run that is let finish. */
const maxKills = 3;

/** Where the download was when the kill landed, read from the folder afterwards. */
type Phase = 'before any byte' | 'mid-transfer' | 'after the last byte, before the rename' | 'after the rename' | 'after it exited';

interface TrialResult {
  kills: Phase[];
  runs: number;
  finalOk: boolean;
  /** A moment at which the final path held other bytes than the served file. */
  wrongAtFinal: boolean;
  leftovers: string[];
  log: string;
}

let server: MockServer;
before(async () => {
  server = await startMockServer({ profile: 'ideal', key: testKey, seed });
});
after(async () => {
  await server.close();
  await removeTempDirs();
});

async function runTrial(trial: number): Promise<TrialResult> {
  const random = mulberry32(seed + trial * 7919);
  const size = (256 + Math.floor(random() * 768)) * KiB;
  const id = `size_${size / KiB}k_crash${trial}`;
  // About a second per run, so that a kill at a random moment can land anywhere in it.
  server.setFaults(id, { throttle: size });
  const served = await servedSha256(server, id);
  const dir = await tempDir();
  const path = join(dir, 'out.mp4');
  const { part } = sidecars(path);
  const env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
  const args = ['download', id, '-o', path, '--progress', 'none'];
  const result: TrialResult = { kills: [], runs: 0, finalOk: false, wrongAtFinal: false, leftovers: [], log: '' };

  // The final path is watched all along: once it exists it must be the served file.
  let watching = true;
  let checked = false;
  const watcher = (async () => {
    while (watching) {
      if (!checked && sizeOf(path) >= 0) {
        checked = true;
        if ((await fileSha256(path)) !== served) result.wrongAtFinal = true;
      }
      await delay(2);
    }
  })();

  const kills = 1 + Math.floor(random() * maxKills);
  let last: CliRun | undefined;
  for (let run = 0; run <= kills; run += 1) {
    const existedBefore = sizeOf(path) >= 0;
    const running = spawnCli(args, { env, timeoutMs: 30_000 });
    result.runs += 1;
    if (run < kills) {
      if (random() < 0.5) {
        // Anywhere in the run, start-up and request included.
        await delay(Math.floor(random() * 1_400));
      } else {
        // Right after the last byte: the checks, the fsync and the rename.
        await waitUntil(() => sizeOf(part) === size || sizeOf(path) >= 0, 10_000, 1);
        await delay(Math.floor(random() * 30));
      }
      running.child.kill('SIGKILL');
      last = await running.done;
      result.kills.push(
        last.signal !== 'SIGKILL'
          ? 'after it exited'
          : sizeOf(path) >= 0
            ? 'after the rename'
            : sizeOf(part) === size
              ? 'after the last byte, before the rename'
              : sizeOf(part) > 0
                ? 'mid-transfer'
                : 'before any byte',
      );
    } else {
      last = await running.done;
    }
    result.log += `run ${run + 1}: ${last.signal ?? `exit ${last.code}`} ${last.stderr.trim()}\n`;
    // Done: a whole download, or a re-run refused because an earlier run had already landed it.
    const landedEarlier = existedBefore && last.code === 2 && /already exists/.test(last.stderr);
    if (last.code === 0 || landedEarlier) break;
  }
  watching = false;
  await watcher;
  result.finalOk = sizeOf(path) === size && (await fileSha256(path)) === served;
  result.leftovers = filesIn(dir).filter((name) => name !== 'out.mp4');
  return result;
}

test(`crash safety: kill -9 at ${trialCount}+ seeded moments, then the same command: always the served file, never a wrong one`, { timeout: 10 * 60_000 }, async () => {
  const results = await runPool(
    Array.from({ length: trialCount }, (_, trial) => trial),
    3,
    runTrial,
  );
  const kills = results.flatMap((result) => result.kills);
  const landed = kills.filter((phase) => phase !== 'after it exited');
  const byPhase = new Map<Phase, number>();
  for (const phase of kills) byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
  console.log(
    [
      '',
      `Crash safety: seed ${seed}, ${results.length} trials, ${kills.length} kill -9 (${landed.length} landed while it ran), ${results.reduce((sum, r) => sum + r.runs, 0)} runs in all`,
      ...[...byPhase].map(([phase, count]) => `  killed ${phase}: ${count}`),
      `  correct file in the end: ${results.filter((r) => r.finalOk).length}/${results.length}; wrong file at the final path at any moment: ${results.filter((r) => r.wrongAtFinal).length}; leftovers beside it: ${results.filter((r) => r.leftovers.length > 0).length}`,
      '',
    ].join('\n'),
  );
  assert.ok(landed.length >= 20, `at least 20 kills landed while the binary ran (${landed.length})`);
  assert.ok((byPhase.get('after the last byte, before the rename') ?? 0) + (byPhase.get('after the rename') ?? 0) > 0, 'some kills hit the end of the download');
  for (const [trial, result] of results.entries()) {
    assert.equal(result.wrongAtFinal, false, `trial ${trial}: a wrong file at the final path\n${result.log}`);
    assert.equal(result.finalOk, true, `trial ${trial}: no correct file in the end\n${result.log}`);
    assert.deepEqual(result.leftovers, [], `trial ${trial}: files left beside the output\n${result.log}`);
  }
});

/**
 * The narrowest window of the random kills above, made certain: the process died after the
 * rename and before it removed its state and lock. Re-runs stop at "already exists" before
 * they take the lock, so the same command has to be the one that clears them.
 */
test('killed between the rename and the clean-up: the same command clears the stale state and lock, and keeps the file', async () => {
  const id = 'size_300k_landed';
  const dir = await tempDir();
  const path = join(dir, 'out.mp4');
  const env = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
  const first = await runCli(['download', id, '-o', path], { env });
  assert.equal(first.code, 0, first.stderr);
  const { state, lock } = sidecars(path);
  // What the killed run leaves: its state file, and its lock naming a process that is gone.
  await writeFile(state, JSON.stringify({ version: 1, id, url: `${server.baseUrl}/v1/videos/${id}/content`, totalBytes: 300 * KiB }));
  // Above the largest pid Linux hands out: certainly not running.
  await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), startedAt: new Date().toISOString() }));

  const again = await runCli(['download', id, '-o', path], { env });
  assert.equal(again.code, 2, again.stderr);
  assert.match(again.stderr, /already exists/);
  assert.deepEqual(filesIn(dir), ['out.mp4'], 'the stale state and lock are gone');
  assert.equal(await fileSha256(path), await servedSha256(server, id));
});
