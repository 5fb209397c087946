import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports, createRequire } from 'node:module';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Journal, parseJournal } from '../../src/core/journal.js';
import { EzvideoError } from '../../src/errors.js';
import { removeTempDirs, tempDir } from '../helpers/download-sim.js';

after(removeTempDirs);

const alive = { pid: 4242, isAlive: () => true };

describe('Journal', () => {
  it('folds each job\'s steps: submitting alone is uncertain, created/completed/downloaded carry the task, refused is new again', async () => {
    const path = join(await tempDir(), 'jobs.jsonl.journal');
    const journal = await Journal.open(path, alive);
    await journal.append('a', 1, { step: 'submitting', idempotencyKey: 'ka' });
    await journal.append('b', 2, { step: 'submitting', idempotencyKey: 'kb' });
    await journal.append('b', 2, { step: 'created', taskId: 'vid_b' });
    await journal.append('c', 3, { step: 'submitting', idempotencyKey: 'kc' });
    await journal.append('c', 3, { step: 'refused', message: 'no' });
    await journal.append('d', 4, { step: 'submitting', idempotencyKey: 'kd' });
    await journal.append('d', 4, { step: 'created', taskId: 'vid_d' });
    await journal.append('d', 4, { step: 'completed', taskId: 'vid_d' });
    await journal.append('d', 4, { step: 'downloaded', taskId: 'vid_d', path: '/x/vid_d.mp4', sha256: 'ab', bytes: 3 });
    await journal.close();

    const again = await Journal.open(path, alive);
    try {
      assert.deepEqual([again.record('a').state, again.record('a').idempotencyKey], ['uncertain', 'ka']);
      assert.deepEqual([again.record('b').state, again.record('b').taskId], ['created', 'vid_b']);
      assert.equal(again.record('c').state, 'new');
      assert.deepEqual(again.record('d').download, { path: '/x/vid_d.mp4', sha256: 'ab', bytes: 3 });
      assert.equal(again.record('e').state, 'new');
    } finally {
      await again.close();
    }
  });

  it('a torn last line (a crash mid-append) is ignored and cut off, so the next append starts a line of its own', async () => {
    const path = join(await tempDir(), 'journal');
    const journal = await Journal.open(path, alive);
    await journal.append('a', 1, { step: 'submitting', idempotencyKey: 'ka' });
    await journal.append('a', 1, { step: 'created', taskId: 'vid_a' });
    await journal.close();
    const whole = await readFile(path, 'utf8');
    await appendFile(path, '{"key":"a","line":1,"at":"2026-01-01T00:00:00.000Z","step":"comp');

    const reopened = await Journal.open(path, alive);
    assert.equal(reopened.record('a').state, 'created');
    await reopened.append('a', 1, { step: 'completed', taskId: 'vid_a' });
    await reopened.close();
    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith(whole), 'the whole lines are kept as they were');
    assert.equal(text.split('\n').length, 4, text);
    assert.deepEqual(parseJournal(text, path).entries.map((entry) => entry.step), ['submitting', 'created', 'completed']);
  });

  it('a bad line before the last is damage, not a crash: refused, naming the line', async () => {
    const path = join(await tempDir(), 'journal');
    await writeFile(path, '{"key":"a","line":1,"at":"x","step":"created","taskId":"vid_a"}\nnot json\n{"key":"a","line":1,"at":"x","step":"completed","taskId":"vid_a"}\n');
    await assert.rejects(Journal.open(path, alive), (error: unknown) => error instanceof EzvideoError && error.exitCode === 2 && /damaged at line 2/.test(error.message));
    // The refusal released the lock: a fixed journal opens.
    await writeFile(path, '');
    await (await Journal.open(path, alive)).close();
  });

  it('a second open while the first holds it is refused at once, naming the holder; once closed it opens', async () => {
    const path = join(await tempDir(), 'journal');
    const first = await Journal.open(path, alive);
    await assert.rejects(Journal.open(path, { pid: 5151, isAlive: () => true }), (error: unknown) => {
      assert.ok(error instanceof EzvideoError);
      assert.equal(error.exitCode, 9);
      assert.match(error.message, new RegExp(`${path.replace(/[/.]/g, '\\$&')} is in use by another ezvideo process \\(pid 4242 on `));
      return true;
    });
    await first.close();
    await (await Journal.open(path, { pid: 5151, isAlive: () => true })).close();
  });

  it('a lock left by a process that died (kill -9) is recovered', async () => {
    const path = join(await tempDir(), 'journal');
    await Journal.open(path, { pid: 777, isAlive: () => true });
    // The holder never closed it; it is gone now.
    const next = await Journal.open(path, { pid: 778, isAlive: (pid) => pid !== 777 });
    await next.close();
  });

  it('a journal it creates has its folder flushed once, so its name survives a crash; an existing one does not', async () => {
    const dir = await tempDir();
    const path = join(dir, 'journal');
    // Every folder opened and flushed, seen through node's own fs (the journal's import of it is live).
    const flushed: string[] = [];
    const fs = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
    const realOpen = fs.open;
    fs.open = (async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args);
      if ((await handle.stat()).isDirectory()) {
        const realSync = handle.sync.bind(handle);
        handle.sync = async () => {
          flushed.push(String(args[0]));
          return realSync();
        };
      }
      return handle;
    }) as typeof realOpen;
    syncBuiltinESMExports();
    try {
      await (await Journal.open(path, alive)).close();
      assert.deepEqual(flushed, [dir]);
      await (await Journal.open(path, alive)).close();
      assert.deepEqual(flushed, [dir], 'once, at creation');
    } finally {
      fs.open = realOpen;
      syncBuiltinESMExports();
    }
  });
});
