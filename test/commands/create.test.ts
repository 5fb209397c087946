import assert from 'node:assert/strict';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { fileSha256, removeTempDirs, tempDir, testKey, waitUntil } from '../helpers/download-sim.js';
import { spawnCli } from '../helpers/download-spawn.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

after(removeTempDirs);

/** A PNG's signature and a few bytes: enough for the type to be read from the file itself. */
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 7, 7, 7]);

function manifestOf(jobs: ReadonlyArray<Record<string, unknown> | string>): string {
  return jobs.map((job) => (typeof job === 'string' ? job : JSON.stringify(job))).join('\n') + '\n';
}

async function journalSteps(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => `${(JSON.parse(line) as { line: number }).line}:${(JSON.parse(line) as { step: string }).step}`);
}

describe('ezvideo create (spawned binary, simulator in the test process)', () => {
  let server: MockServer;
  before(async () => {
    server = await startMockServer({ profile: 'openai', key: testKey, generationTimeMs: 300 });
  });
  after(() => server.close());
  const env = () => cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: server.baseUrl });
  const posts = () => server.requests.filter((request) => request.method === 'POST');

  it('a single create prints its task id; --input-reference goes as a file part with its bytes and type; --param values as JSON', async () => {
    const dir = await tempDir();
    const image = join(dir, 'frame.bin');
    await writeFile(image, png);
    const run = await runCli(['create', '--prompt', 'a cat', '--model', 'sora-2', '--seconds', '4', '--input-reference', image, '--param', 'n=2', '--param', 'style=noir'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const record = server.creations.at(-1);
    assert.equal(run.stdout, `${record?.taskId}\n`);
    assert.equal(record?.encoding, 'multipart');
    assert.deepEqual(record?.fields, { prompt: 'a cat', model: 'sora-2', seconds: '4', n: '2', style: 'noir' });
    assert.equal(record?.files[0]?.field, 'input_reference');
    assert.equal(record?.files[0]?.filename, 'frame.bin');
    assert.equal(record?.files[0]?.contentType, 'image/png', 'the type comes from the bytes, not the name');
    assert.ok(record?.files[0]?.bytes.equals(png));
    assert.match(String(server.requests.at(-1)?.headers['idempotency-key']), /^ezvideo-[0-9a-f]{32}-[0-9a-f]{16}$/);

    const fromStdin = await runCli(['create', '--prompt-file', '-'], { env: env(), stdin: '  a dog on a beach\n' });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal(server.creations.at(-1)?.encoding, 'json');
    assert.deepEqual(server.creations.at(-1)?.fields, { prompt: 'a dog on a beach' });
  });

  it('--remix posts to the remix route of that task; --json prints the task object', async () => {
    const source = server.createTask();
    const run = await runCli(['--json', 'create', '--remix', source, '--prompt', 'now in the rain'], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const task = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(server.requests.at(-1)?.path, `/v1/videos/${source}/remix`);
    assert.equal(server.creations.at(-1)?.remixOf, source);
    assert.equal(task['id'], server.creations.at(-1)?.taskId);
    assert.equal(task['status'], 'queued');
  });

  it('a manifest with --then-download: every file lands as sent, the journal records each step, --json one line per job, a summary', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(join(dir, 'a.png'), png);
    await writeFile(manifest, manifestOf([{ prompt: 'one', input_reference: 'a.png', output: 'out/one.mp4' }, '# a comment', '', { prompt: 'two', seconds: 8 }]));
    const run = await runCli(['--json', 'create', '--input', manifest, '--then-download', '--dir', join(dir, 'videos'), '--model', 'sora-2-pro'], { env: env(), cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    assert.deepEqual(lines.map((line) => line['line']).sort(), [1, 4]);
    for (const line of lines) {
      assert.equal(line['outcome'], 'downloaded');
      assert.equal(line['reused'], false);
      assert.equal(line['download']['sha256'], await fileSha256(line['download']['path']));
      assert.equal(line['download']['sha256'], await server.payloadOf(line['taskId']).sha256());
    }
    assert.equal(lines.find((line) => line['line'] === 1)?.['download']['path'], join(dir, 'out', 'one.mp4'), 'a manifest path starts at the manifest');
    assert.equal(server.creations.find((record) => record.taskId === lines.find((line) => line['line'] === 4)?.['taskId'])?.fields['seconds'], '8');
    assert.ok(server.creations.slice(-2).every((record) => record.fields['model'] === 'sora-2-pro'), 'the flag is the default of every line');
    assert.match(run.stderr, /^create: 2 jobs: 2 created, 0 reused from the journal, 2 completed, 0 failed, 0 refused, 0 uncertain, 2 downloaded$/m);
    assert.doesNotMatch(await readFile(`${manifest}.journal`, 'utf8'), new RegExp(testKey), 'the key is not in the journal');
    const steps = await journalSteps(`${manifest}.journal`);
    for (const line of [1, 4]) {
      assert.deepEqual(steps.filter((step) => step.startsWith(`${line}:`)), [`${line}:submitting`, `${line}:created`, `${line}:completed`, `${line}:downloaded`]);
    }

    const before = posts().length;
    const again = await runCli(['--json', 'create', '--input', manifest, '--then-download', '--dir', join(dir, 'videos'), '--model', 'sora-2-pro'], { env: env(), cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(posts().length, before, 'a re-run creates nothing');
    assert.ok(again.stdout.trim().split('\n').every((line) => /"outcome":"downloaded","reused":true/.test(line)), again.stdout);
    assert.match(again.stderr, /create: 2 jobs: 0 created, 2 reused from the journal, 2 completed, 0 failed, 0 refused, 0 uncertain, 2 downloaded/);
  });

  it('--input-reference given as a flag: the same batch run from the folder moved elsewhere creates nothing again', async () => {
    const dir = await tempDir();
    const workspace = join(dir, 'workspace');
    await mkdir(workspace);
    await writeFile(join(workspace, 'a.png'), png);
    await writeFile(join(workspace, 'jobs.jsonl'), manifestOf([{ prompt: 'one' }, { prompt: 'two' }]));
    const args = ['create', '--input', 'jobs.jsonl', '--input-reference', 'a.png'];
    const first = await runCli(args, { env: env(), cwd: workspace });
    assert.equal(first.code, 0, first.stderr);
    const moved = join(dir, 'moved');
    await rename(workspace, moved);
    const before = posts().length;
    const again = await runCli(args, { env: env(), cwd: moved });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(posts().length, before, 'nothing created again');
    assert.match(again.stderr, /create: 2 jobs: 0 created, 2 reused from the journal/);
  });

  it('an uncertain create (made, never answered) is not sent again without --retry-uncertain, exit 10; with it, once more, same Idempotency-Key', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'hangs' }, { prompt: 'fine' }]));
    server.setFaults('*', { createTimeout: { times: 1 } });
    const args = ['--response-timeout', '500ms', 'create', '--input', manifest, '--wait', '--create-concurrency', '1'];
    const before = server.creations.length;
    const first = await runCli(args, { env: env() });
    server.setFaults('*', {});
    assert.equal(first.code, 10, first.stderr);
    assert.match(first.stderr, /^error: 1 of 2 jobs failed; the first: line 1: POST .*: the server sent no response headers in time; the request was sent, so a task may have been made \(and billed\)\nhint: .*--retry-uncertain/m);
    const made = server.creations.slice(before);
    assert.equal(made.length, 2);
    const key = made[0]?.idempotencyKey as string;

    const second = await runCli(args, { env: env() });
    assert.equal(second.code, 10, second.stderr);
    assert.equal(server.creations.length, before + 2, 'nothing sent again');
    assert.match(second.stderr, /line 1: earlier run: POST/);

    const third = await runCli([...args, '--retry-uncertain'], { env: env() });
    assert.equal(third.code, 0, third.stderr);
    assert.equal(server.creations.length, before + 3, 'sent once more');
    assert.equal(server.creations.at(-1)?.idempotencyKey, key);
    assert.equal(server.creationCount(key), 2, 'this server ignores the key: the uncertain create was repeated exactly once');
    const fourth = await runCli([...args, '--retry-uncertain'], { env: env() });
    assert.equal(fourth.code, 0, fourth.stderr);
    assert.equal(server.creations.length, before + 3, 'a job with a task is never sent again, flag or not');
  });

  it('an uncertain create whose re-send gets no connection stays uncertain: the run after it, without the flag, sends nothing (not billed twice)', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'made, never answered' }]));
    const down = await startMockServer({ key: testKey });
    await down.close();
    const args = ['--response-timeout', '500ms', 'create', '--input', manifest, '--retries', '1'];
    server.setFaults('*', { createTimeout: { times: 1 } });
    const before = server.creations.length;
    const first = await runCli(args, { env: env() });
    server.setFaults('*', {});
    assert.equal(first.code, 10, first.stderr);
    assert.equal(server.creations.length, before + 1, 'the task exists');

    const resent = await runCli([...args, '--retry-uncertain'], { env: cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: down.baseUrl }) });
    assert.equal(resent.code, 10, resent.stderr);
    assert.match(resent.stderr, /^error: .*line 1: .*; this was the re-send of a create whose outcome is unknown, so a task may still have been made \(and billed\) by the first\nhint: .*--retry-uncertain/m);
    assert.deepEqual(await journalSteps(`${manifest}.journal`), ['1:submitting', '1:uncertain', '1:submitting', '1:uncertain']);

    const third = await runCli(args, { env: env() });
    assert.equal(third.code, 10, third.stderr);
    assert.match(third.stderr, /line 1: earlier run: /);
    assert.equal(server.creations.length, before + 1, 'not created again');
  });

  for (const status of [400, 409]) {
    it(`a --retry-uncertain re-send answered ${status} stays uncertain, never created afresh`, async () => {
      const dir = await tempDir();
      const manifest = join(dir, 'jobs.jsonl');
      await writeFile(manifest, manifestOf([{ prompt: `refused re-send ${status}` }]));
      const args = ['--response-timeout', '500ms', 'create', '--input', manifest];
      server.setFaults('*', { createTimeout: { times: 1 } });
      const before = server.creations.length;
      const first = await runCli(args, { env: env() });
      assert.equal(first.code, 10, first.stderr);
      server.setFaults('*', { failFirst: { count: 1, status, on: 'create' } });
      const resent = await runCli([...args, '--retry-uncertain'], { env: env() });
      server.setFaults('*', {});
      assert.equal(resent.code, 10, resent.stderr);
      assert.match(resent.stderr, /this was the re-send of a create whose outcome is unknown/);
      const third = await runCli(args, { env: env() });
      assert.equal(third.code, 10, third.stderr);
      assert.equal(server.creations.length, before + 1, 'one task, made by the first run only');
      assert.deepEqual(await journalSteps(`${manifest}.journal`), ['1:submitting', '1:uncertain', '1:submitting', '1:uncertain']);
    });
  }

  it('an uncertain create whose image is gone by the --retry-uncertain run: refused unsent, nothing journaled, still uncertain after', async () => {
    const dir = await tempDir();
    const image = join(dir, 'a.png');
    const journal = join(dir, 'journal');
    await writeFile(image, png);
    const args = ['--response-timeout', '500ms', 'create', '--prompt', 'from a frame', '--input-reference', image, '--journal', journal];
    server.setFaults('*', { createTimeout: { times: 1 } });
    const before = server.creations.length;
    const first = await runCli(args, { env: env() });
    server.setFaults('*', {});
    assert.equal(first.code, 10, first.stderr);
    await rm(image);
    const resent = await runCli([...args, '--retry-uncertain'], { env: env() });
    assert.equal(resent.code, 2, resent.stderr);
    assert.deepEqual(await journalSteps(journal), ['1:submitting', '1:uncertain'], 'nothing journaled for a create not sent');
    await writeFile(image, png);
    const third = await runCli(args, { env: env() });
    assert.equal(third.code, 10, third.stderr);
    assert.equal(server.creations.length, before + 1);
  });

  it('a reset before the body was read is uncertain too: the client cannot tell it from a reset after', async () => {
    const dir = await tempDir();
    server.setFaults('*', { createReset: { times: 1 } });
    const before = posts().length;
    const run = await runCli(['create', '--prompt', 'x', '--journal', join(dir, 'journal')], { env: env() });
    server.setFaults('*', {});
    assert.equal(run.code, 10, run.stderr);
    assert.equal(posts().length, before + 1);
    assert.equal(run.stdout, '');
  });

  it('a failed generation is created again only with --retry-failed', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'fails once' }]));
    server.setFaults('*', { failGeneration: { times: 1 } });
    const before = server.creations.length;
    const first = await runCli(['create', '--input', manifest, '--wait'], { env: env() });
    assert.equal(first.code, 6, first.stderr);
    assert.match(first.stderr, /line 1: the generation failed/);
    const again = await runCli(['create', '--input', manifest, '--wait'], { env: env() });
    assert.equal(again.code, 6, again.stderr);
    assert.match(again.stderr, /hint: Add --retry-failed to create line 1 again/);
    assert.equal(server.creations.length, before + 1, 'not created again');
    const retried = await runCli(['create', '--input', manifest, '--wait', '--retry-failed'], { env: env() });
    server.setFaults('*', {});
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal(server.creations.length, before + 2, 'created once more');
    assert.deepEqual(await journalSteps(`${manifest}.journal`), ['1:submitting', '1:created', '1:failed', '1:submitting', '1:created', '1:completed']);
  });

  it('a torn last journal line (a crash mid-append) is ignored: the job it was about goes on, the journal is whole again', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'torn' }]));
    const first = await runCli(['create', '--input', manifest], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    const journal = `${manifest}.journal`;
    const text = await readFile(journal, 'utf8');
    const key = (JSON.parse(text.split('\n')[0] as string) as { key: string }).key;
    await writeFile(journal, `${text}{"key":"${key}","line":1,"at":"2026-12-02T00:00:00Z","step":"comple`);
    const before = posts().length;
    const again = await runCli(['create', '--input', manifest, '--then-download', '--dir', dir], { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(posts().length, before);
    assert.deepEqual(await journalSteps(journal), ['1:submitting', '1:created', '1:completed', '1:downloaded']);
  });

  it('a second run on the same journal while the first runs is refused at once, naming the first (exit 9)', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'slow' }]));
    server.setFaults('*', { createLatencyMs: 3_000 });
    const before = server.creations.length;
    const first = spawnCli(['create', '--input', manifest], { env: env() });
    try {
      assert.ok(await waitUntil(() => server.creations.length > before, 10_000), first.stderr());
      const second = await runCli(['create', '--input', manifest], { env: env() });
      assert.equal(second.code, 9, second.stderr);
      assert.match(second.stderr, new RegExp(`^error: .*jobs\\.jsonl\\.journal is in use by another ezvideo process \\(pid ${first.child.pid} on .*\\)\\nhint: Wait for it to finish`, 'm'));
      assert.equal(server.creations.length, before + 1, 'the refused run sent nothing');
      assert.equal((await first.done).code, 0);
    } finally {
      server.setFaults('*', {});
    }
  });

  it('Ctrl-C while creates are in flight: exit 130, and the re-run reports those creates uncertain instead of sending them again', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'slow 1' }, { prompt: 'slow 2' }]));
    server.setFaults('*', { createLatencyMs: 3_000 });
    const before = server.creations.length;
    const running = spawnCli(['create', '--input', manifest], { env: env() });
    try {
      assert.ok(await waitUntil(() => server.creations.length === before + 2, 10_000), running.stderr());
      running.child.kill('SIGINT');
      const ended = await running.done;
      assert.equal(ended.code, 130, ended.stderr);
      assert.match(ended.stderr, /^error: interrupted by SIGINT\nhint: Run the same command again: it goes on from the journal.*--retry-uncertain/m);
    } finally {
      server.setFaults('*', {});
    }
    const again = await runCli(['create', '--input', manifest], { env: env() });
    assert.equal(again.code, 10, again.stderr);
    assert.match(again.stderr, /line 1: earlier run: its create was sent by a run that ended before the answer came/);
    assert.equal(server.creations.length, before + 2, 'nothing sent again');
  });

  for (const [what, line, error] of [
    ['invalid JSON', '{"prompt": "a", ', /line 2: not valid JSON/],
    ['an unknown field', '{"prompt":"a","promt":"typo"}', /line 2: unknown field "promt"/],
    ['a missing prompt', '{"model":"sora-2"}', /line 2: no "prompt"/],
    ['a missing image file', '{"prompt":"a","input_reference":"missing.png"}', /line 2: the input_reference missing\.png is not a file/],
    ['a file that is not an image', '{"prompt":"a","input_reference":"notes.txt"}', /line 2: the input_reference notes\.txt is not an image ezvideo can tell the type of/],
  ] as const) {
    it(`a manifest line with ${what}: one error naming the line, exit 2, nothing created`, async () => {
      const dir = await tempDir();
      const manifest = join(dir, 'jobs.jsonl');
      await writeFile(join(dir, 'notes.txt'), 'words, not pixels\n');
      await writeFile(manifest, `{"prompt":"fine"}\n${line}\n{"prompt":"also fine"}\n`);
      const before = posts().length;
      const run = await runCli(['create', '--input', manifest], { env: env() });
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, run.stderr);
      assert.match(lines[0] as string, new RegExp(`^error: ${manifest.replace(/[/.]/g, '\\$&')} ${error.source}`));
      assert.match(lines[1] as string, /^hint: Each line is one JSON object/);
      assert.equal(posts().length, before);
    });
  }

  it('two manifest lines with the same output: one error naming both lines, exit 2, nothing created', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'a', output: 'out/x.mp4' }, { prompt: 'b' }, { prompt: 'c', output: './out/../out/x.mp4' }]));
    const before = posts().length;
    const run = await runCli(['create', '--input', manifest, '--then-download', '--dir', join(dir, 'videos')], { env: env() });
    assert.equal(run.code, 2, run.stderr);
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stderr);
    assert.equal(lines[0], `error: ${manifest} lines 1 and 3 both have the output ${join(dir, 'out', 'x.mp4')}`);
    assert.match(lines[1] as string, /^hint: Give each job its own output/);
    assert.equal(posts().length, before);
  });

  it('a run killed after landing a file but before journaling it: the re-run keeps that file (it is the server\'s) without fetching it; a stranger\'s file there is refused', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    const output = join(dir, 'named', 'a.mp4');
    await writeFile(manifest, manifestOf([{ prompt: 'landed, not journaled', output: 'named/a.mp4' }]));
    const args = ['--json', 'create', '--input', manifest, '--then-download', '--dir', join(dir, 'videos')];
    const first = await runCli(args, { env: env() });
    assert.equal(first.code, 0, first.stderr);
    const journal = `${manifest}.journal`;
    const whole = await readFile(journal, 'utf8');
    // What a kill between the landing and the `downloaded` line leaves: the file, and a journal whose last word is `completed`.
    const killed = whole.split('\n').filter((line) => line !== '' && !line.includes('"step":"downloaded"')).join('\n') + '\n';
    await writeFile(journal, killed);
    const taskId = (JSON.parse(first.stdout) as { taskId: string }).taskId;
    const fetches = () => server.requests.filter((request) => request.taskId === taskId && request.method === 'GET' && request.path.endsWith('/content') && request.range !== 'bytes=0-0').length;
    const fetched = fetches();

    const again = await runCli(args, { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fetches(), fetched, 'the content was not fetched again');
    const sha = await server.payloadOf(taskId).sha256();
    assert.equal(await fileSha256(output), sha);
    const last = JSON.parse((await readFile(journal, 'utf8')).trim().split('\n').at(-1) as string) as Record<string, unknown>;
    assert.deepEqual([last['step'], last['taskId'], last['path'], last['sha256']], ['downloaded', taskId, output, sha]);

    for (const stranger of [Buffer.from('a file of someone else'), Buffer.alloc((await readFile(output)).length, 7)]) {
      await writeFile(journal, killed);
      await writeFile(output, stranger);
      const refused = await runCli(args, { env: env() });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /named\/a\.mp4 already exists/);
      assert.ok((await readFile(output)).equals(stranger), 'the stranger\'s file is left as it was');
    }
  });

  it('a single create whose wait times out or is interrupted: the error names the task, the hint goes on with wait (never another create)', async () => {
    const slow = await startMockServer({ profile: 'ideal', key: testKey, generationTimeMs: 60_000 });
    try {
      const slowEnv = cleanEnv({ EZVIDEO_API_KEY: testKey, EZVIDEO_BASE_URL: slow.baseUrl });
      const timedOut = await runCli(['create', '--prompt', 'slow', '--then-download', '--timeout', '200ms'], { env: slowEnv });
      assert.equal(timedOut.code, 5, timedOut.stderr);
      const id = slow.creations.at(-1)?.taskId as string;
      assert.match(timedOut.stderr, new RegExp(`^error: ${id}: timed out after .*\nhint: The task exists: go on with \`ezvideo wait ${id} --then-download\` \\(with the same download flags\\); running the create again would make \\(and bill\\) a second video\\.$`, 'm'));

      const running = spawnCli(['create', '--prompt', 'slow too', '--wait'], { env: slowEnv });
      assert.ok(await waitUntil(() => slow.creations.length === 2 && running.stderr().includes('created'), 10_000), running.stderr());
      running.child.kill('SIGINT');
      const interrupted = await running.done;
      assert.equal(interrupted.code, 130, interrupted.stderr);
      const second = slow.creations.at(-1)?.taskId as string;
      assert.match(interrupted.stderr, new RegExp(`^error: ${second}: interrupted by SIGINT\nhint: The task exists: go on with \`ezvideo wait ${second}\`; running the create again`, 'm'));
    } finally {
      await slow.close();
    }
  });

  it('--journal in a folder that does not exist: the hint says to make it (no flag does), nothing created', async () => {
    const dir = await tempDir();
    const before = posts().length;
    const run = await runCli(['create', '--prompt', 'x', '--journal', join(dir, 'nodir', 'journal')], { env: env() });
    assert.equal(run.code, 9, run.stderr);
    assert.match(run.stderr, new RegExp(`^error: cannot write .*: the folder ${join(dir, 'nodir').replace(/[/.]/g, '\\$&')} does not exist\nhint: Create the folder first \\(mkdir -p .*nodir\\), or give --journal a path in a folder that exists\\.$`, 'm'));
    assert.equal(posts().length, before);
  });

  it('--api-key-file - with --prompt-file - (or --input -): refused, both read stdin', async () => {
    for (const reader of [['--prompt-file', '-'], ['--input', '-', '--journal', 'j']]) {
      const run = await runCli(['--api-key-file', '-', 'create', ...reader], { env: cleanEnv({ EZVIDEO_BASE_URL: server.baseUrl }), stdin: `${testKey}\n` });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error: --api-key-file - and ${reader.slice(0, 2).join(' ')} both read stdin, which can be read once\nhint: `, 'm'));
    }
  });

  it('the summary counts the jobs the server refused', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'jobs.jsonl');
    await writeFile(manifest, manifestOf([{ prompt: 'refused' }]));
    server.setFaults('*', { failFirst: { count: 1, status: 400, on: 'create' } });
    const run = await runCli(['create', '--input', manifest], { env: env() });
    server.setFaults('*', {});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^create: 1 job: 0 created, 0 reused from the journal, 0 completed, 0 failed, 1 refused, 0 uncertain, 0 downloaded$/m);
  });
});
