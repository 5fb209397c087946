import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hookError, runBatchHook, runFileHook, stderrTailBytes, type HookOptions, type HookRun, type LandedFile } from '../../src/commands/hook.js';
import { EzvideoError, ExitCode } from '../../src/errors.js';
import { MemoryStream } from '../helpers/memory-io.js';

/*
 * Real /bin/sh, real processes, no mocks: what a hook receives is what it wrote down itself.
 */

/** Generous: a loaded machine with two shared cores still ends a killed `sleep` well within it. */
const promptMs = 10_000;

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ezvideo-hook-'));
});
after(() => rm(tmp, { recursive: true, force: true }));

let dirs = 0;
/** A fresh folder for one hook to write what it received into. */
async function outDir(): Promise<string> {
  dirs += 1;
  const dir = join(tmp, `out-${dirs}`);
  await mkdir(dir);
  return dir;
}

function options(extra: Partial<HookOptions> & { out?: string } = {}): HookOptions & { stderr: MemoryStream } {
  const env: Record<string, string | undefined> = { PATH: process.env['PATH'], ...(extra.out === undefined ? {} : { HOOK_OUT: extra.out }) };
  return {
    env: extra.env ?? env,
    stderr: extra.stderr instanceof MemoryStream ? extra.stderr : new MemoryStream(),
    signal: extra.signal ?? new AbortController().signal,
  };
}

function landed(path: string, overrides: Partial<LandedFile> = {}): LandedFile {
  return { path, id: 'vid_1', variant: 'video', sha256: 'a'.repeat(64), contentType: 'video/mp4', ...overrides };
}

/** Rejects when `promise` takes longer than `ms`: a hang fails the test instead of stalling the run. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + promptMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('runFileHook: the path reaches the hook as $1 and EZVIDEO_PATH, never as shell text', () => {
  // Each one would run `touch pwned` if it were ever parsed by the shell.
  const hostileNames = [
    'with spaces.mp4',
    "single'quote.mp4",
    'double"quote.mp4',
    '$(touch pwned).mp4',
    '`touch pwned`.mp4',
    'a; touch pwned; b.mp4',
    'new\nline.mp4',
    `it's "all" $(touch pwned) \`touch pwned\`; touch pwned\n'; touch pwned; '.mp4`,
  ];
  const record =
    'printf %s "$1" > "$HOOK_OUT/arg"; printf %s "$EZVIDEO_PATH" > "$HOOK_OUT/env"; ' +
    'printf %s "$EZVIDEO_ID" > "$HOOK_OUT/id"; if [ -e "$1" ]; then cat -- "$1" > "$HOOK_OUT/content"; fi';

  async function assertArrivesIntact(path: string, id: string, content: Buffer | undefined): Promise<void> {
    const out = await outDir();
    const run = await runFileHook(record, landed(path, { id }), options({ out }));
    assert.equal(run.status, 0, run.stderrTail);
    assert.deepEqual(await readFile(join(out, 'arg')), Buffer.from(path));
    assert.deepEqual(await readFile(join(out, 'env')), Buffer.from(path));
    assert.deepEqual(await readFile(join(out, 'id')), Buffer.from(id));
    if (content !== undefined) assert.deepEqual(await readFile(join(out, 'content')), content, 'the hook opened the very file');
  }

  for (const name of hostileNames) {
    it(`a file named ${JSON.stringify(name)}`, async () => {
      const path = join(tmp, name);
      const content = Buffer.from(`bytes of ${name}`);
      await writeFile(path, content);
      await assertArrivesIntact(path, 'vid_$(touch pwned)`touch pwned`', content);
    });
  }

  it('a relative path with a leading `-`, which must stay one argument and not become an option', async () => {
    await assertArrivesIntact('-rf $(touch pwned).mp4', 'vid_1', undefined);
  });

  it('none of them ever ran `touch pwned`, in the working folder or the temp folder', async () => {
    assert.equal(existsSync(join(process.cwd(), 'pwned')), false);
    assert.equal(existsSync(join(tmp, 'pwned')), false);
    for (let dir = 1; dir <= dirs; dir += 1) assert.equal(existsSync(join(tmp, `out-${dir}`, 'pwned')), false);
  });
});

describe('runFileHook: what else the hook gets', () => {
  it('EZVIDEO_ID, EZVIDEO_PATH, EZVIDEO_SHA256, EZVIDEO_VARIANT, EZVIDEO_CONTENT_TYPE, the given env and $0 = ezvideo', async () => {
    const out = await outDir();
    const env = { PATH: process.env['PATH'], HOOK_OUT: out, MY_SETTING: 'kept' };
    const command =
      'printf "%s|" "$0" "$EZVIDEO_ID" "$EZVIDEO_PATH" "$EZVIDEO_SHA256" "$EZVIDEO_VARIANT" "$EZVIDEO_CONTENT_TYPE" "$MY_SETTING" "${HOME-unset}" "$#" > "$HOOK_OUT/env"';
    const run = await runFileHook(command, landed('out/vid_9.webp', { id: 'vid_9', variant: 'thumbnail', sha256: 'ab'.repeat(32), contentType: 'image/webp' }), options({ env }));
    assert.equal(run.status, 0, run.stderrTail);
    assert.equal(await readFile(join(out, 'env'), 'utf8'), `ezvideo|vid_9|out/vid_9.webp|${'ab'.repeat(32)}|thumbnail|image/webp|kept|unset|1|`);
  });

  it('an unknown sha256 and content type are set to the empty string, not left out', async () => {
    const out = await outDir();
    const command = 'printf "%s|" "${EZVIDEO_SHA256-unset}" "${EZVIDEO_CONTENT_TYPE-unset}" > "$HOOK_OUT/env"';
    const run = await runFileHook(command, landed('x.mp4', { sha256: undefined, contentType: undefined }), options({ out }));
    assert.equal(run.status, 0, run.stderrTail);
    assert.equal(await readFile(join(out, 'env'), 'utf8'), '||');
  });

  it('has no stdin: a hook that reads it gets end of file at once, not ezvideo’s own input', async () => {
    const out = await outDir();
    const run = await within(promptMs, runFileHook('cat > "$HOOK_OUT/stdin"', landed('x.mp4'), options({ out })));
    assert.equal(run.status, 0, run.stderrTail);
    assert.equal((await readFile(join(out, 'stdin'))).length, 0);
  });
});

describe('runFileHook: how a hook ended', () => {
  it('a failing hook: its status, and its stderr (trimmed) as the tail', async () => {
    const o = options();
    const run = await runFileHook('echo "  cannot upload: quota exceeded  " >&2; exit 3', landed('out/vid_1.mp4'), o);
    assert.deepEqual(run, {
      command: 'echo "  cannot upload: quota exceeded  " >&2; exit 3',
      flag: '--exec',
      path: 'out/vid_1.mp4',
      status: 3,
      signal: null,
      stderrTail: 'cannot upload: quota exceeded',
    } satisfies HookRun);
    assert.equal(o.stderr.text(), '  cannot upload: quota exceeded  \n');
  });

  it('the tail is the LAST 2 KiB of a 10 KiB stderr', async () => {
    // 1024 lines of 10 bytes each: `line 0000\n` ... `line 1023\n`.
    const command = 'i=0; while [ $i -lt 1024 ]; do printf "line %04d\\n" $i >&2; i=$((i + 1)); done; exit 1';
    const o = options();
    const run = await runFileHook(command, landed('x.mp4'), o);
    const whole = o.stderr.bytes();
    assert.equal(whole.length, 10 * 1024, 'all of it was forwarded');
    assert.equal(run.status, 1);
    assert.equal(stderrTailBytes, 2048);
    assert.equal(run.stderrTail, whole.subarray(-2048).toString('utf8').trim());
    assert.ok(run.stderrTail.endsWith('line 1022\nline 1023'));
    assert.ok(!run.stderrTail.includes('line 0818\n'), 'nothing from before the last 2 KiB');
  });

  it('a tail cut inside a UTF-8 character starts at the next whole character', async () => {
    // `é` is 2 bytes; with `x` at the end, the last 2048 bytes begin with the second byte of an `é`.
    const command = 'i=0; while [ $i -lt 1500 ]; do printf "é" >&2; i=$((i + 1)); done; printf x >&2; exit 1';
    const run = await runFileHook(command, landed('x.mp4'), options());
    assert.equal(run.stderrTail, `${'é'.repeat(1023)}x`);
  });

  it('the hook’s stdout and stderr go to options.stderr as they come, before the hook ends', async () => {
    const out = await outDir();
    const o = options({ out });
    const go = join(out, 'go');
    const command = `echo "first on stdout"; echo "first on stderr" >&2; while [ ! -e "$HOOK_OUT/go" ]; do sleep 0.05; done; echo "second"`;
    const running = runFileHook(command, landed('x.mp4'), o);
    try {
      await until(() => o.stderr.text().includes('first on stdout') && o.stderr.text().includes('first on stderr'), 'the first lines');
    } finally {
      // Released even when the wait failed, or the hook would loop on after the test.
      await writeFile(go, '');
    }
    const run = await within(promptMs, running);
    assert.equal(run.status, 0);
    assert.ok(o.stderr.text().endsWith('second\n'));
    assert.equal(run.stderrTail, 'first on stderr', 'only its stderr is the tail');
  });

  it('the hook’s stdout never reaches ezvideo’s stdout (a separate process, its two streams read apart)', async () => {
    const moduleUrl = new URL('../../src/commands/hook.js', import.meta.url).href;
    const script = `
      const { runFileHook } = await import(${JSON.stringify(moduleUrl)});
      const run = await runFileHook('echo to-stdout; echo to-stderr >&2', { path: 'x.mp4', id: 'vid_1', variant: 'video', sha256: undefined, contentType: undefined },
        { env: process.env, stderr: process.stderr, signal: new AbortController().signal });
      process.stderr.write('status ' + run.status + '\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const code = await within(promptMs * 3, new Promise<number | null>((resolve) => child.on('close', resolve)));
    assert.equal(code, 0, Buffer.concat(stderr).toString());
    assert.equal(Buffer.concat(stdout).toString(), '');
    const text = Buffer.concat(stderr).toString();
    assert.ok(text.includes('to-stdout\n'), text);
    assert.ok(text.includes('to-stderr\n'), text);
    assert.ok(text.endsWith('status 0\n'), text);
  });

  it('an abort (Ctrl-C) sends SIGTERM to a `sleep 30` hook: it ends promptly, with the signal', async () => {
    const controller = new AbortController();
    const o = options({ signal: controller.signal });
    const started = Date.now();
    const running = runFileHook('echo started >&2; sleep 30', landed('out/vid_1.mp4'), o);
    try {
      await until(() => o.stderr.text().includes('started'), 'the hook to start');
    } finally {
      controller.abort();
    }
    const run = await within(promptMs, running);
    assert.ok(Date.now() - started < promptMs);
    assert.equal(run.status, null);
    assert.equal(run.signal, 'SIGTERM');
    assert.equal(hookError(run, 'vid_1').message, 'vid_1: --exec was stopped by SIGTERM; the file stays at out/vid_1.mp4');
  });

  it('an abort does not wait for what the killed shell left running with its output pipes', async () => {
    const out = await outDir();
    const controller = new AbortController();
    const o = options({ out, signal: controller.signal });
    const running = runFileHook('sleep 30 & echo $! > "$HOOK_OUT/pid"; echo started >&2; wait', landed('x.mp4'), o);
    try {
      await until(() => o.stderr.text().includes('started'), 'the hook to start');
    } finally {
      controller.abort();
    }
    try {
      const run = await within(promptMs, running);
      assert.equal(run.signal, 'SIGTERM');
    } finally {
      // The orphaned sleep is the shell's child, not ours: end it so that it does not outlive the test.
      const pid = Number(await readFile(join(out, 'pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  });

  it('an abort before the hook starts does not start it', async () => {
    const out = await outDir();
    const controller = new AbortController();
    controller.abort();
    const run = await runFileHook('touch "$HOOK_OUT/ran"', landed('x.mp4'), options({ out, signal: controller.signal }));
    assert.equal(run.status, null);
    assert.equal(run.signal, null);
    assert.match(run.stderrTail, /not started/);
    assert.equal(existsSync(join(out, 'ran')), false);
  });

  it('a hook that cannot be spawned (a NUL byte in a value) resolves as a failure with the reason in the tail', async () => {
    const run = await runFileHook('true', landed('x.mp4', { id: 'vid_\0' }), options());
    assert.equal(run.status, null);
    assert.equal(run.signal, null);
    assert.match(run.stderrTail, /null bytes/);
    assert.equal(hookError(run, 'vid_1').message, 'vid_1: --exec could not be started; the file stays at x.mp4');
  });
});

describe('runBatchHook', () => {
  it('passes the stdin text to the hook exactly, byte for byte', async () => {
    const out = await outDir();
    const text = '{"id":"vid_1","path":"a b.mp4"}\n{"id":"vid_2","path":"é $(x) `y`"}\nno final newline';
    const run = await runBatchHook('cat > "$HOOK_OUT/stdin"', text, options({ out }));
    assert.equal(run.status, 0, run.stderrTail);
    assert.equal(run.flag, '--exec-after');
    assert.equal(run.path, undefined);
    assert.deepEqual(await readFile(join(out, 'stdin')), Buffer.from(text));
  });

  it('a hook that ignores a 1 MiB stdin neither hangs nor crashes ezvideo (EPIPE)', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const exitsAtOnce = await within(promptMs, runBatchHook('exit 0', big, options()));
    assert.equal(exitsAtOnce.status, 0);
    // Alive while the write fills the pipe, then gone with most of the text unread.
    const exitsLater = await within(promptMs, runBatchHook('sleep 0.3; exit 4', big, options()));
    assert.equal(exitsLater.status, 4);
  });

  it('an abort ends it too', async () => {
    const controller = new AbortController();
    const o = options({ signal: controller.signal });
    const running = runBatchHook('echo started >&2; sleep 30', 'lines\n', o);
    try {
      await until(() => o.stderr.text().includes('started'), 'the hook to start');
    } finally {
      controller.abort();
    }
    const run = await within(promptMs, running);
    assert.equal(run.signal, 'SIGTERM');
  });
});

describe('hookError', () => {
  it('a failed --exec: exit 11, code hook, one line naming the id, its status and the kept file, one hint', () => {
    const run: HookRun = { command: 'false', flag: '--exec', path: 'out/vid_1.mp4', status: 3, signal: null, stderrTail: 'boom' };
    const error = hookError(run, 'vid_1');
    assert.ok(error instanceof EzvideoError);
    assert.equal(error.exitCode, ExitCode.hook);
    assert.equal(error.exitCode, 11);
    assert.equal(error.code, 'hook');
    assert.equal(error.message, 'vid_1: --exec exited with status 3; the file stays at out/vid_1.mp4');
    assert.equal(error.hint, 'Fix the command and run it on the file yourself, or re-run with --skip-existing to run it again.');
    assert.ok(!error.message.includes('\n'));
  });

  it('a failed --exec-after names the batch', () => {
    const run: HookRun = { command: 'false', flag: '--exec-after', path: undefined, status: 2, signal: null, stderrTail: '' };
    const error = hookError(run, 'the batch');
    assert.equal(error.exitCode, 11);
    assert.equal(error.message, 'the batch: --exec-after exited with status 2; the downloaded files stay');
    assert.match(error.hint ?? '', /--json results/);
  });
});
