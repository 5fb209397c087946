import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { type MockServer, startMockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, tempDir, testKey } from '../helpers/download-sim.js';
import { createMemoryIO } from '../helpers/memory-io.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

async function ezvideo(server: MockServer, args: string[], options: { cwd?: string; stdin?: string } = {}) {
  const memory = createMemoryIO(options.stdin === undefined ? {} : { stdin: options.stdin });
  const code = await run([...args, '--progress', 'line', '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
  return { code, stdout: memory.stdout.text(), stderr: memory.stderr.text(), memory };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function archiveLines(path: string): Promise<Array<Record<string, unknown>>> {
  return jsonLines(await readFile(path, 'utf8'));
}

/** Creates a task through the simulator's POST, with a model name of the test's choosing. */
async function createWithModel(server: MockServer, model: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/v1/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a cat', model }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries += 1) {
    assert.ok(tries < 1000, 'gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('batch outputs', () => {
  after(removeTempDirs);

  it('--archive: a 50-id batch interrupted and run again asks nothing for the ids already archived', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    const archive = join(dir, 'done.jsonl');
    const ids = Array.from({ length: 50 }, (_, index) => `vid_batch_${index}`);
    try {
      const memory = createMemoryIO();
      let contentRequests = 0;
      const first = run(['download', ...ids, '--dir', join(dir, 'out'), '--archive', archive, '--concurrency', '2', '--progress', 'none', '--api-key', testKey, '--base-url', server.baseUrl], memory.io);
      const interrupter = setInterval(() => {
        contentRequests = server.requests.filter((request) => request.path.endsWith('/content')).length;
        if (contentRequests >= 20) memory.interrupt();
      }, 1);
      const firstCode = await first.finally(() => clearInterval(interrupter));
      assert.equal(firstCode, 130, memory.stderr.text());
      // The interrupted downloads let go of their outputs as they wind down (a process would exit).
      await waitFor(async () => !(await readdir(join(dir, 'out'))).some((name) => name.endsWith('.lock')));
      const archived = (await archiveLines(archive)).map((line) => line['id'] as string);
      assert.ok(archived.length >= 1 && archived.length < 50, `archived ${archived.length}`);

      server.requests.length = 0;
      const second = await ezvideo(server, ['download', ...ids, '--dir', join(dir, 'out'), '--archive', archive, '--skip-existing']);
      assert.equal(second.code, 0, second.stderr);
      const asked = new Set(server.requests.map((request) => request.taskId));
      assert.deepEqual(archived.filter((id) => asked.has(id)), [], 'no request for an archived id');
      assert.equal(ids.filter((id) => !archived.includes(id)).every((id) => asked.has(id)), true);
      assert.match(second.stderr, new RegExp(`${archived.length} of 50 ids are in the archive`));

      const lines = await archiveLines(archive);
      assert.deepEqual(lines.map((line) => line['id']).sort(), [...ids].sort(), 'each id archived once');
      for (const line of lines) {
        assert.deepEqual(Object.keys(line).sort(), ['bytes', 'id', 'path', 'sha256', 'time', 'variant']);
        assert.equal(await fileSha256(line['path'] as string), line['sha256']);
      }

      server.requests.length = 0;
      const third = await ezvideo(server, ['download', ...ids, '--dir', join(dir, 'moved-away'), '--archive', archive, '--json']);
      assert.equal(third.code, 0, third.stderr);
      assert.equal(server.requests.length, 0, 'a fully archived batch makes no request at all, wherever the files went');
      assert.deepEqual(jsonLines(third.stdout).map((line) => [line['id'], line['archived'], line['exitCode']]), ids.map((id) => [id, true, 0]));
    } finally {
      await server.close();
    }
  });

  it('--archive: two ezvideo processes appending to one archive at once lose and mix no line', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    const archive = join(dir, 'shared.jsonl');
    const batch = (name: string) => Array.from({ length: 30 }, (_, index) => `vid_${name}_${index}`);
    try {
      const runs = await Promise.all(
        ['left', 'right'].map((name) =>
          runCli(['download', ...batch(name), '--dir', join(dir, name), '--archive', archive, '--concurrency', '8', '--progress', 'none'], {
            env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl }),
          }),
        ),
      );
      for (const result of runs) assert.equal(result.code, 0, result.stderr);
      const lines = (await readFile(archive, 'utf8')).split('\n').filter((line) => line !== '');
      assert.equal(lines.length, 60);
      assert.deepEqual(lines.map((line) => (JSON.parse(line) as { id: string }).id).sort(), [...batch('left'), ...batch('right')].sort());
    } finally {
      await server.close();
    }
  });

  it('templates: hostile model names from the server stay one segment inside the output folder', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const models = ['../../x', 'a/b', 'nul\u0000byte', 'm'.repeat(300), '..', 'CON'];
      const ids: string[] = [];
      for (const model of models) ids.push(await createWithModel(server, model));
      const out = join(dir, 'out');
      const result = await ezvideo(server, ['download', ...ids, '-o', `${out}/{model}/{index}-{id}.{ext}`, '--json']);
      assert.equal(result.code, 0, result.stderr);
      const files = await filesUnder(dir);
      assert.equal(files.length, models.length, files.join('\n'));
      for (const file of files) {
        assert.ok(resolve(dir, file).startsWith(`${out}/`), file);
        const [folder, name] = file.split('/').slice(1);
        assert.equal(file.split('/').length, 3, file);
        assert.ok(folder !== undefined && folder !== '..' && folder !== '.' && !folder.includes('\u0000') && Buffer.byteLength(folder) <= 100, folder);
        assert.match(name ?? '', /^\d-\w+\.mp4$/);
      }
      const folders = jsonLines(result.stdout).map((line) => relative(out, line['path'] as string).split('/')[0]);
      assert.deepEqual(folders.sort(), ['___.._x', 'a_b', 'nulbyte', 'm'.repeat(100), '__', '_CON'].sort());
    } finally {
      await server.close();
    }
  });

  it('templates: two ids that would land on one path are refused before any request, both named', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const byVariant = await ezvideo(server, ['download', 'vid_one', 'vid_two', '-o', join(dir, '{variant}.{ext}')]);
      assert.equal(byVariant.code, 2);
      assert.match(byVariant.stderr, /error: vid_one and vid_two would both be saved as .*video\.mp4/);
      assert.equal(server.requests.length, 0);

      // A field from the task: the statuses are read (once each), no content is asked for.
      const byModel = await ezvideo(server, ['download', 'vid_three', 'vid_four', '-o', join(dir, '{model}.mp4')]);
      assert.equal(byModel.code, 2);
      assert.match(byModel.stderr, /vid_three and vid_four would both be saved as .*sora-2\.mp4/);
      assert.deepEqual(server.requests.map((request) => request.path).sort(), ['/v1/videos/vid_four', '/v1/videos/vid_three']);
      assert.deepEqual(await readdir(dir), []);
    } finally {
      await server.close();
    }
  });

  it('templates: the fields from the task read its status once, and {created} sorts', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const result = await ezvideo(server, ['download', 'vid_t1', '-o', join(dir, '{model}/{created}_{seconds}s_{size}_{id}.{ext}'), '--json']);
      assert.equal(result.code, 0, result.stderr);
      const [line] = jsonLines(result.stdout);
      assert.match(relative(dir, line?.['path'] as string), /^sora-2\/\d{8}-\d{6}_8s_1280x720_vid_t1\.mp4$/);
      assert.equal(server.requests.filter((request) => request.path === '/v1/videos/vid_t1').length, 1);
    } finally {
      await server.close();
    }
  });

  it('--exec: the hook gets the right path for a name with spaces, quotes and $(...), and never runs it', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const model = await createWithModel(server, '$(touch pwned-model)`touch pwned-tick`');
      const template = join(dir, `it's a "$(touch pwned-template)" {model} {id}.{ext}`);
      const received = join(dir, 'received');
      const hook = `printf '%s\\n%s\\n%s\\n%s\\n%s' "$1" "$EZVIDEO_PATH" "$EZVIDEO_ID" "$EZVIDEO_VARIANT" "$EZVIDEO_CONTENT_TYPE" > '${received}'; printf '%s' "$EZVIDEO_SHA256" > '${received}.sha'`;
      const result = await ezvideo(server, ['download', model, '-o', template, '--exec', hook, '--json']);
      assert.equal(result.code, 0, result.stderr);
      const [line] = jsonLines(result.stdout);
      const path = line?.['path'] as string;
      assert.ok(existsSync(path), path);
      assert.equal(await readFile(received, 'utf8'), [path, path, model, 'video', 'video/mp4'].join('\n'));
      assert.equal(await readFile(`${received}.sha`, 'utf8'), await fileSha256(path));
      for (const where of [dir, process.cwd()]) assert.deepEqual((await readdir(where)).filter((name) => name.startsWith('pwned')), []);
    } finally {
      await server.close();
    }
  });

  it('--exec: a failing hook is exit 11 on that id with its status and stderr tail; the file stays, the others go on', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const hook = 'case "$EZVIDEO_ID" in vid_bad*) echo "upload refused for $1" >&2; exit 3;; esac';
      const archive = join(dir, 'archive.jsonl');
      const result = await ezvideo(server, ['download', 'vid_ok', 'vid_bad', '--dir', dir, '--exec', hook, '--archive', archive, '--json']);
      assert.equal(result.code, 11, result.stderr);
      const lines = jsonLines(result.stdout);
      const bad = lines.find((line) => line['id'] === 'vid_bad');
      assert.deepEqual([bad?.['exitCode'], bad?.['code']], [11, 'hook']);
      const run = bad?.['hook'] as { status: number; stderrTail: string };
      assert.equal(run.status, 3);
      assert.equal(run.stderrTail, `upload refused for ${join(dir, 'vid_bad.mp4')}`);
      assert.ok(existsSync(join(dir, 'vid_bad.mp4')) && existsSync(join(dir, 'vid_ok.mp4')));
      assert.equal(lines.find((line) => line['id'] === 'vid_ok')?.['exitCode'], 0);
      assert.match(result.stderr, /vid_bad: hook failed: --exec exited with status 3/);
      assert.deepEqual((await archiveLines(archive)).map((entry) => entry['id']), ['vid_ok'], 'a file whose hook failed is not archived');

      // The same command with --skip-existing runs the hook again on the file there, asking nothing.
      server.requests.length = 0;
      const ran = join(dir, 'ran');
      const again = await ezvideo(server, ['download', 'vid_ok', 'vid_bad', '--dir', dir, '--exec', `printf '%s ' "$EZVIDEO_ID" >> '${ran}'`, '--archive', archive, '--skip-existing']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await readFile(ran, 'utf8'), 'vid_bad ');
      assert.equal(server.requests.length, 0);
      // A kept file is nobody's proof of anything: it gets the hook, not an archive line.
      assert.deepEqual((await archiveLines(archive)).map((entry) => [entry['id'], entry['sha256']]), [['vid_ok', await fileSha256(join(dir, 'vid_ok.mp4'))]]);
    } finally {
      await server.close();
    }
  });

  it('--exec-after: runs once after the batch with the result lines on its stdin, with or without --json', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const received = join(dir, 'results.jsonl');
      const result = await ezvideo(server, ['download', 'vid_a1', 'vid_a2', 'fail_a3', '--dir', join(dir, 'out'), '--exec-after', `cat > '${received}'`]);
      assert.equal(result.code, 6, result.stderr);
      assert.equal(result.stdout, '');
      const lines = jsonLines(await readFile(received, 'utf8'));
      assert.deepEqual(lines.map((line) => [line['id'], line['exitCode']]).sort(), [['fail_a3', 6], ['vid_a1', 0], ['vid_a2', 0]]);

      const failing = await ezvideo(server, ['download', 'vid_a4', '--dir', join(dir, 'out'), '--exec-after', 'exit 4']);
      assert.equal(failing.code, 11, failing.stderr);
      assert.match(failing.stderr, /error: the batch: --exec-after exited with status 4/);
    } finally {
      await server.close();
    }
  });

  it('--write-info-json: the task as sent minus its secrets, and the download, written once the file landed', async () => {
    const server = await startMockServer({ profile: 'ezmodel', generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const result = await ezvideo(server, ['download', 'vid_info', '--dir', dir, '--write-info-json']);
      assert.equal(result.code, 0, result.stderr);
      const path = join(dir, 'vid_info.mp4');
      const info = JSON.parse(await readFile(`${path}.info.json`, 'utf8')) as { task: Record<string, unknown>; download: Record<string, unknown> };
      assert.deepEqual([info.task['id'], info.task['status'], info.task['progress']], ['vid_info', 'SUCCESS', '100%'], 'the object as the server sent it');
      const link = (info.task['metadata'] as { url: string }).url;
      assert.ok(link.startsWith(server.secondOrigin.baseUrl) && !link.includes('?'), `the signed link without its signature: ${link}`);
      assert.deepEqual(
        [info.download['path'], info.download['bytes'], info.download['sha256'], info.download['contentType'], info.download['url']],
        [path, (await readFile(path)).length, await fileSha256(path), 'video/mp4', `${server.baseUrl}/v1/videos/vid_info/content`],
      );
      assert.ok(Date.parse(info.download['startedAt'] as string) <= Date.parse(info.download['finishedAt'] as string));
      assert.ok(!JSON.stringify(info).includes(testKey));
      assert.deepEqual((await readdir(dir)).sort(), ['vid_info.mp4', 'vid_info.mp4.info.json']);
    } finally {
      await server.close();
    }
  });

  it('--variant all on the ezmodel profile saves one file, and warns once that the others are not there', async () => {
    const server = await startMockServer({ profile: 'ezmodel', generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const result = await ezvideo(server, ['download', 'vid_all', '--variant', 'all', '--dir', dir, '--archive', join(dir, 'archive.jsonl'), '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await readdir(dir)).sort(), ['archive.jsonl', 'vid_all.mp4']);
      assert.equal(result.stderr.match(/warning:/g)?.length, 1, result.stderr);
      assert.match(result.stderr, /warning: vid_all: the server has no thumbnail or spritesheet \(it sent video\/mp4 instead, not saved\)/);
      const [line] = jsonLines(result.stdout);
      assert.deepEqual(line?.['absent'], ['thumbnail', 'spritesheet']);
      assert.deepEqual((line?.['files'] as Array<Record<string, unknown>>).map((file) => [file['variant'], file['contentType']]), [['video', 'video/mp4']]);
      assert.deepEqual((await archiveLines(join(dir, 'archive.jsonl'))).map((entry) => entry['variant']), ['video']);
    } finally {
      await server.close();
    }
  });

  it('--variant all where the server has them: three files, each its own archive entry', async () => {
    const server = await startMockServer({ profile: 'openai', generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const archive = join(dir, 'archive.jsonl');
      const result = await ezvideo(server, ['download', 'video_vid_three', '--variant', 'video,spritesheet,thumbnail', '-o', join(dir, '{id}-{variant}.{ext}'), '--archive', archive]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await readdir(dir)).sort(), ['archive.jsonl', 'video_vid_three-spritesheet.jpg', 'video_vid_three-thumbnail.webp', 'video_vid_three-video.mp4']);
      for (const variant of ['thumbnail', 'spritesheet'] as const) {
        const extension = variant === 'thumbnail' ? 'webp' : 'jpg';
        assert.equal(await fileSha256(join(dir, `video_vid_three-${variant}.${extension}`)), await server.payloadOf('video_vid_three', variant).sha256());
      }
      assert.deepEqual((await archiveLines(archive)).map((entry) => entry['variant']), ['video', 'thumbnail', 'spritesheet']);
      server.requests.length = 0;
      const again = await ezvideo(server, ['download', 'video_vid_three', '--variant', 'all', '--dir', join(dir, 'elsewhere'), '--archive', archive]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  it('wait --then-download: archived ids are not even polled', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const archive = join(dir, 'archive.jsonl');
      await writeFile(archive, `${JSON.stringify({ id: 'vid_w1', variant: 'video', path: 'gone.mp4', bytes: 1, sha256: null, time: '2026-12-01T00:00:00.000Z' })}\n`);
      const result = await ezvideo(server, ['wait', 'vid_w1', 'vid_w2', '--then-download', '--dir', dir, '--archive', archive, '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual([...new Set(server.requests.map((request) => request.taskId))], ['vid_w2']);
      const lines = jsonLines(result.stdout);
      assert.equal(lines.find((line) => line['id'] === 'vid_w1')?.['archived'], true);
      assert.deepEqual((await archiveLines(archive)).map((entry) => entry['id']), ['vid_w1', 'vid_w2']);
    } finally {
      await server.close();
    }
  });

  it('create --then-download: templates, info records and the archive work for created tasks', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const manifest = join(dir, 'jobs.jsonl');
      await writeFile(manifest, ['{"prompt":"one","model":"m-one"}', '{"prompt":"two","model":"m-two"}', ''].join('\n'));
      const archive = join(dir, 'archive.jsonl');
      const args = ['create', '--input', manifest, '--then-download', '-o', join(dir, 'out/{model}/{index}.{ext}'), '--write-info-json', '--archive', archive, '--interval', '50ms'];
      const result = await ezvideo(server, args);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await filesUnder(join(dir, 'out'))).sort(), ['m-one/1.mp4', 'm-one/1.mp4.info.json', 'm-two/2.mp4', 'm-two/2.mp4.info.json']);
      assert.equal((await archiveLines(archive)).length, 2);
    } finally {
      await server.close();
    }
  });

  it('create: two jobs that would land on one path are refused before anything is created', async () => {
    const server = await startMockServer({ generationTimeMs: 0 });
    const dir = await tempDir();
    try {
      const manifest = join(dir, 'jobs.jsonl');
      await writeFile(manifest, ['{"prompt":"one","output":"same.mp4"}', '{"prompt":"two"}', '{"prompt":"three","output":"same.mp4"}', ''].join('\n'));
      const shared = await ezvideo(server, ['create', '--input', manifest, '--then-download']);
      assert.equal(shared.code, 2, shared.stderr);
      assert.match(shared.stderr, /lines 1 and 3 both have the output/);
      await writeFile(manifest, ['{"prompt":"one"}', '{"prompt":"two"}', ''].join('\n'));
      const template = await ezvideo(server, ['create', '--input', manifest, '--then-download', '-o', join(dir, '{model}.{ext}')]);
      assert.equal(template.code, 2, template.stderr);
      assert.match(template.stderr, /names one file for 2 jobs/);
      assert.equal(server.requests.length, 0, 'nothing was created');
    } finally {
      await server.close();
    }
  });

  it('refuses what cannot work before any request: files-only flags with -o -, one plain -o for several variants', async () => {
    const server = await startMockServer();
    try {
      for (const flags of [['--archive', 'a.jsonl'], ['--write-info-json'], ['--exec', 'true'], ['--variant', 'all']]) {
        const result = await ezvideo(server, ['download', 'vid_x', '-o', '-', ...flags]);
        assert.equal(result.code, 2, flags.join(' '));
        assert.match(result.stderr, /needs files, and -o - writes to stdout/);
      }
      const plain = await ezvideo(server, ['download', 'vid_x', '-o', 'x.mp4', '--variant', 'video,thumbnail']);
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /names one file but 2 variants were asked for/);
      const bogus = await ezvideo(server, ['download', 'vid_x', '--variant', 'video,poster']);
      assert.equal(bogus.code, 2);
      assert.match(bogus.stderr, /Allowed choices are video, thumbnail, spritesheet/);
      const waitOnly = await ezvideo(server, ['wait', 'vid_x', '--archive', 'a.jsonl']);
      assert.equal(waitOnly.code, 2);
      assert.match(waitOnly.stderr, /--archive is a download flag/);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});
