/**
 * One side of the archive race (test/core/archive.test.ts): a process that waits for its rival
 * at a barrier of files, then appends <count> entries `<name>-<n>` to the same archive, <in
 * flight> appends at a time, so that lines race both between the processes and within this one.
 *
 * Arguments: <archive> <barrier dir> <name> <rival name> <count> <in flight>
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DownloadArchive } from '../../src/core/archive.js';

const [archivePath = '', dir = '', name = '', rival = '', countText = '0', inFlightText = '1'] = process.argv.slice(2);
const count = Number(countText);

const archive = await DownloadArchive.open(archivePath);
await writeFile(join(dir, `ready-${name}`), '');
for (;;) {
  try {
    await access(join(dir, `ready-${rival}`));
    break;
  } catch {
    await delay(1);
  }
}

let next = 0;
async function appender(): Promise<void> {
  while (next < count) {
    const n = next;
    next += 1;
    // A long path makes each line a few hundred bytes, so a split write has room to be cut into.
    await archive.append({ id: `${name}-${n}`, variant: 'video', path: `/videos/${name}/${'x'.repeat(200)}/${name}-${n}.mp4`, bytes: n, sha256: n % 2 === 0 ? 'ab'.repeat(32) : undefined, time: new Date().toISOString() });
  }
}
await Promise.all(Array.from({ length: Number(inFlightText) }, appender));
await archive.close();
