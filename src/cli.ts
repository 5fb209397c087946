import { setMaxListeners } from 'node:events';
import { Command, CommanderError, Option } from 'commander';
import type { CommandContext, GlobalOptions } from './commands/context.js';
import type { CommandIO } from './commands/io.js';
import type { WaitFlags } from './commands/wait.js';
import type { CreateFlags } from './commands/create.js';
import type { HeadOptions } from './commands/head.js';
import type { MockCommandOptions } from './commands/mock.js';
import { MOCK_FLAGS } from './commands/mock-flags.js';
import { parseByteCount, parseCount, parseHttpUrl, parseParam, parsePositiveByteCount, parsePositiveCount, parsePositiveDuration, parseVariantList } from './cli-parsers.js';
import { sourceModes } from './core/content-source.js';
import { flushed } from './core/writable-waits.js';
import { EzvideoError, ExitCode, interruptionError } from './errors.js';
import { failureLines } from './ui/messages.js';
import { redactStream } from './redact.js';
import { version } from './version.js';

const variants = ['video', 'thumbnail', 'spritesheet'] as const;
const progressModes = ['auto', 'bar', 'line', 'none'] as const;
const reportUrl = 'https://github.com/ezvideo/ezvideo/issues';

/**
 * Builds the commander program. Actions load their command module lazily, so `--version` and
 * `--help` never pay for undici, cli-progress or conf.
 */
function buildProgram(
  io: CommandIO,
  withContext: (run: (context: CommandContext) => Promise<number>) => (command: Command) => Promise<void>,
  exitWith: (code: number) => void,
): Command {
  const program = new Command('ezvideo')
    .description('Download generated videos from /v1/videos APIs: resumable, verified, never a corrupt file.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--api-key <key>', 'API key (prefer EZVIDEO_API_KEY or --api-key-file: flags show in `ps`)'))
    .addOption(new Option('--api-key-file <file>', 'read the API key from a file, or - for stdin'))
    .addOption(new Option('--base-url <url>', 'API base URL (env EZVIDEO_BASE_URL; default https://www.ezmodel.cloud)').argParser(parseHttpUrl))
    .option('--json', 'results as JSON lines on stdout', false)
    .option('-q, --quiet', 'no progress or info on stderr (warnings and errors still shown)', false)
    .option('--verbose', 'log requests and decisions on stderr', false)
    .addOption(new Option('--progress <mode>', 'progress display').choices(progressModes).default('auto'))
    .option('--no-color', 'no colours (NO_COLOR and FORCE_COLOR are honoured too)')
    .addOption(new Option('--connect-timeout <dur>', 'connection timeout (default 15s)').argParser(parsePositiveDuration))
    .addOption(new Option('--response-timeout <dur>', 'time to wait for response headers (default 60s)').argParser(parsePositiveDuration))
    .addOption(new Option('--idle-timeout <dur>', 'longest pause in a transfer before it counts as stalled (default 30s)').argParser(parsePositiveDuration))
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .commandsGroup('Commands:');

  addWaitOptions(
    addIdInput(
      addDownloadOptions(
        program
          .command('download')
          .description('download the content of one or more tasks, resumably, into whole files only')
          .argument('[id...]', 'task ids (or - to read them from stdin)'),
      ),
    ).option('--wait', 'wait for unfinished tasks first (the same as wait --then-download)', false),
  ).action(async (ids: string[], flags: WaitFlags & { wait: boolean }, command: Command) => {
    const [{ runDownload }, { makeIdDownloader }] = await Promise.all([import('./commands/download.js'), import('./commands/deliver.js')]);
    if (!flags.wait) {
      await withContext((context) => runDownload(ids, flags, context))(command);
      return;
    }
    const { runWait } = await import('./commands/wait.js');
    await withContext((context) => runWait(ids, { ...flags, thenDownload: true }, context, makeIdDownloader))(command);
  });

  addIdInput(
    addDownloadOptions(
      addWaitOptions(
        program
          .command('wait')
          .description('poll tasks until they finish; with --then-download, download each as soon as it is ready')
          .argument('[id...]', 'task ids (or - to read them from stdin)')
          .option('--then-download', 'download each task as soon as it completes (takes every download flag)', false),
      ),
    ),
  ).action(async (ids: string[], flags: WaitFlags, command: Command) => {
    const [{ runWait }, { makeIdDownloader }] = await Promise.all([import('./commands/wait.js'), import('./commands/deliver.js')]);
    await withContext((context) => runWait(ids, flags, context, makeIdDownloader))(command);
  });

  addDownloadOptions(
    addWaitOptions(
      program
        .command('create')
        .description('create videos from prompts, one or a manifest of jobs, each exactly once however often it is re-run')
        .option('--prompt <text>', 'what the video shows')
        .option('--prompt-file <file>', 'read the prompt from a file, or - for stdin')
        .option('--input <jobs.jsonl>', 'a manifest: one JSON job per line (- for stdin); the flags are its defaults')
        .option('--model <name>', 'the model, e.g. sora-2')
        .option('--seconds <n>', 'the length, e.g. 8')
        .option('--size <WxH>', 'the size, e.g. 1280x720')
        .option('--input-reference <image>', 'an image to start from, uploaded as a file (PNG, JPEG, WebP, GIF)')
        .addOption(new Option('--param <key=value>', 'an extra field for the provider, repeatable (JSON values allowed)').argParser(parseParam))
        .option('--remix <id>', 'remix this task (POST /v1/videos/{id}/remix) instead of making a new video')
        .option('--journal <file>', 'the batch\'s journal (default: <manifest>.journal); a single create has one only with this')
        .addOption(new Option('--create-concurrency <n>', 'creates sent at once, 1-16').argParser(parsePositiveCount(16)).default(2))
        .option('--retry-uncertain', 'send again the creates whose outcome is unknown (a task may exist and be billed)', false)
        .option('--retry-failed', 'create again the jobs whose generation failed', false)
        .option('--wait', 'wait for each task to finish', false)
        .option('--then-download', 'download each task as soon as it completes (implies --wait; takes every download flag)', false),
    ),
  ).action(async (flags: CreateFlags, command: Command) => {
    const [{ runCreate }, { makeIdDownloader }] = await Promise.all([import('./commands/create.js'), import('./commands/deliver.js')]);
    await withContext((context) => runCreate(flags, context, makeIdDownloader))(command);
  });

  program
    .command('head')
    .description('show what the content is (type, size, ranges, validators) without downloading it')
    .argument('<id>', 'task id')
    .addOption(new Option('--variant <variant>', 'which file of the task').choices(variants))
    .addOption(new Option('--retries <n>', 'retries after the first attempt, 0-100').argParser(parseCount(100)).default(8))
    .action(async (id: string, options: HeadOptions, command: Command) => {
      const { runHead } = await import('./commands/head.js');
      await withContext((context) => runHead(id, options, context))(command);
    });

  program
    .command('verify')
    .description('check that files on disk are whole (MP4 boxes, WebP RIFF size, JPEG markers)')
    .argument('<file...>', 'files to check')
    .configureHelp({ showGlobalOptions: false })
    .addHelpText('after', '\nAlso: --json (one line per file on stdout) and --verbose.')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const { runVerify } = await import('./commands/verify.js');
      const { json, verbose } = command.optsWithGlobals<GlobalOptions>();
      exitWith(await runVerify(files, { json, verbose }, io));
    });

  const config = program
    .command('config')
    .description('stored settings: set, get, unset, list, path')
    .helpGroup('Setup and testing:')
    .configureHelp({ showGlobalOptions: false });
  const configAction = (action: 'set' | 'get' | 'unset' | 'list' | 'path') => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const values = args.slice(0, -2).filter((value): value is string => typeof value === 'string');
    const { runConfig } = await import('./commands/config.js');
    await withContext((context) => runConfig(action, values, context))(command);
  };
  config.command('set').description('store a setting (api-key, base-url, source, archive)').argument('<key>').argument('<value>').action(configAction('set'));
  config.command('get').description('print a stored setting (the key is masked)').argument('<key>').action(configAction('get'));
  config.command('unset').description('remove a stored setting').argument('<key>').action(configAction('unset'));
  config
    .command('list')
    .description('print all stored settings (the key is masked)')
    .addHelpText('after', '\nAlso: --json (one JSON object).')
    .action(configAction('list'));
  config.command('path').description('print where the settings file is').action(configAction('path'));

  const mock = program
    .command('mock')
    .description('run the local simulator of the video API (profiles ideal, openai, ezmodel, newapi; faults on demand)')
    .helpGroup('Setup and testing:')
    .configureHelp({ showGlobalOptions: false })
    .addHelpText('after', '\nAlso: --json (print the address as one JSON line) and --verbose (log each request).');
  // --json and --verbose are the global flags, passed through below.
  for (const flag of MOCK_FLAGS.filter(({ flags }) => !/^--(json|verbose)\b/.test(flags))) {
    mock.option(flag.flags, flag.description, flag.defaultValue);
  }
  mock.action(async (options: MockCommandOptions, command: Command) => {
    const { runMock } = await import('./commands/mock.js');
    const { json, verbose } = command.optsWithGlobals<GlobalOptions>();
    exitWith(await runMock({ ...options, json, verbose }, io));
  });

  return program;
}

/** The polling flags of `wait` and `download --wait`. */
function addWaitOptions(command: Command): Command {
  return command
    .addOption(new Option('--interval <dur>', 'poll at this fixed pace (default: adaptive, 2s growing to 15s, or the server\'s hint)').argParser(parsePositiveDuration))
    .addOption(new Option('--timeout <dur>', 'stop waiting after this long (exit 5, naming the unfinished ids)').argParser(parsePositiveDuration));
}

/** The flags shared by `download` and `wait --then-download`. */
function addDownloadOptions(command: Command): Command {
  return command
    .option('-o, --output <file>', 'output file, or - for stdout; a template such as \'out/{model}/{created}-{id}.{ext}\' for several ids')
    .option('--dir <dir>', 'folder for <id>.<ext> files (created if missing; a template too)')
    .addOption(new Option('--variant <list>', 'which files of the task: video, thumbnail, spritesheet, a comma list, or all').argParser(parseVariantList(variants)))
    .option('--archive <file>', 'record each landed file there; ids already in it are skipped with no request (env EZVIDEO_ARCHIVE)')
    .option('--write-info-json', 'write <file>.info.json beside each file: the task object and how it was fetched', false)
    .option('--exec <command>', 'run a shell command after each file lands, its path as $1 (and EZVIDEO_ID, EZVIDEO_PATH, ...)')
    .option('--exec-after <command>', 'run a shell command once after the batch, the JSON result lines on its stdin')
    .option('--force', 'replace an existing output file', false)
    .option('--skip-existing', 'succeed without downloading when the output file exists', false)
    .addOption(new Option('--concurrency <n>', 'ids downloaded at once, 1-64').argParser(parsePositiveCount(64)).default(4))
    .addOption(new Option('--connections <n>', 'connections per file, 1-16, where the server honours ranges').argParser(parsePositiveCount(16)).default(1))
    .addOption(new Option('--retries <n>', 'retries per id after the first attempt, 0-100').argParser(parseCount(100)).default(8))
    .addOption(new Option('--max-time <dur>', 'give up on an id after this long (e.g. 30m)').argParser(parsePositiveDuration))
    .addOption(new Option('--max-filesize <size>', 'refuse a file bigger than this (e.g. 2g), before or during the transfer').argParser(parseByteCount))
    .addOption(new Option('--min-filesize <size>', 'refuse a file smaller than this (e.g. 10k): an error page served as the video').argParser(parseByteCount))
    .addOption(new Option('--limit-rate <bytes/s>', 'at most this many bytes per second for the whole run, all ids together (e.g. 500k, 2M)').argParser(parsePositiveByteCount))
    .option('--no-verify', 'land the file even if its structure check fails (with a warning)')
    .option('--sha256 <hex>', 'expected sha256 of the file (one id only)')
    .addOption(
      new Option('--source <source>', 'where the bytes come from; auto: the gateway, then the direct link if it cannot finish (env EZVIDEO_SOURCE)').choices(sourceModes),
    )
    .addOption(new Option('--content-wait <dur>', 'how long /content may still say "not ready" after the task completed (default 60s)').argParser(parsePositiveDuration));
}

/** More ids for `download` and `wait` (for `create`, `--input` is its manifest). */
function addIdInput(command: Command): Command {
  return command.option('--input <file>', 'read more ids from a file (- for stdin), one per line');
}

/**
 * Commander's own errors (an unknown flag, a bad value, a missing argument) in the same two
 * lines as ezvideo's: `error:` with commander's words (its "did you mean" on the same line),
 * and a `hint:` that names the command's --help.
 */
function reformatCommanderErrors(command: Command, io: CommandIO): void {
  const path = [...ancestry(command)].reverse().join(' ');
  command.configureOutput({
    outputError: (text) => {
      const message = text.trim().replace(/^error: /, '').replace(/\n\((Did you mean [^)]*)\)/, (_all, did: string) => ` (${did.toLowerCase()})`);
      for (const line of failureLines({ code: 'usage', message, hint: `Run \`${path} --help\` for its flags and arguments.` })) io.stderr.write(`${line}\n`);
    },
  });
  for (const sub of command.commands) reformatCommanderErrors(sub, io);
}

function* ancestry(command: Command): Generator<string> {
  for (let at: Command | null = command; at !== null; at = at.parent) yield at.name();
}

function printError(error: unknown, io: CommandIO): number {
  if (error instanceof EzvideoError) {
    for (const line of failureLines(error)) io.stderr.write(`${line}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: unexpected internal error (a bug in ezvideo ${version})\n${stack}\n`);
  io.stderr.write(`hint: please report it at ${reportUrl} with the command you ran.\n`);
  return ExitCode.internal;
}

/** Runs the command line with injected I/O and returns the exit code; prints every error itself. */
export async function run(argv: readonly string[], io: CommandIO): Promise<number> {
  const secrets: string[] = [];
  redactStream(io.stderr, () => secrets);
  // stdout too: `--json` lines carry error messages (file bytes with `-o -` are Buffers, untouched).
  redactStream(io.stdout, () => secrets);
  let exitCode: number = ExitCode.success;
  const exitWith = (code: number): void => {
    exitCode = code;
  };
  const withContext = (body: (context: CommandContext) => Promise<number>) => async (command: Command) => {
    const { createContext } = await import('./commands/context.js');
    const context = await createContext(command.optsWithGlobals<GlobalOptions>(), io);
    if (context.settings.apiKey !== undefined) secrets.push(context.settings.apiKey);
    try {
      exitWith(await body(context));
    } catch (error) {
      // The code behind the words (UND_ERR_SOCKET, ENOSPC) is for --verbose, not the error line.
      if (error instanceof EzvideoError && error.causeCode !== undefined) context.log(`cause: ${error.causeCode}`);
      throw error;
    } finally {
      await context.close();
    }
  };
  try {
    const program = buildProgram(io, withContext, exitWith);
    reformatCommanderErrors(program, io);
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
    return printError(error, io);
  }
}

/** A second signal this soon after the first is an echo, not a second Ctrl-C. */
const echoWindowMs = 1000;

/** Signal 0 tests for existence; EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The executable's entry: wires `process` to `run`, the only place that touches it. */
export function main(argv: readonly string[]): void {
  const controller = new AbortController();
  // Every download, connection and wait listens on this one signal for Ctrl-C: 16 ids with 2
  // connections each are far more than the 10 listeners after which Node warns of a leak.
  setMaxListeners(0, controller.signal);
  let interruptedAt = 0;
  const interrupt = (signal: 'SIGINT' | 'SIGTERM'): void => {
    const exitCode = signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
    if (controller.signal.aborted) {
      // conf's file writer (when-exit) re-raises the signal it caught at once: that echo is
      // not the user pressing Ctrl-C again, and must not cut the clean shutdown short.
      if (Date.now() - interruptedAt > echoWindowMs) process.exit(exitCode);
      return;
    }
    interruptedAt = Date.now();
    controller.abort(interruptionError(signal));
    // A command that does not wind down promptly must not keep the user waiting.
    setTimeout(() => process.exit(exitCode), 10_000).unref();
  };
  process.on('SIGINT', () => interrupt('SIGINT'));
  process.on('SIGTERM', () => interrupt('SIGTERM'));
  // A reader that closed stdout early (`-o - | head -c 100`, `--json | head -1`): what it did not
  // take is dropped, and the command goes on to its own end, so files still land and the exit
  // code stays true. With `-o -` the download sees the closed pipe and ends (see readerClosed).
  process.stdout.on('error', () => {});
  // A stderr whose reader went away (`2>&1 | head -1`) leaves nowhere to report anything; its
  // error must not crash the process with exit 1 instead of the command's own code.
  process.stderr.on('error', () => {});
  const io: CommandIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: opening stdin costs start-up time, and only --input - and --api-key-file - read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    signal: controller.signal,
    lockOwner: { pid: process.pid, isAlive: isProcessAlive },
  };
  // process.exit does not wait for a pipe's queued writes: a lagging reader of `--json` lines
  // (or of an error message) would miss the tail. A closed pipe is already handled above.
  const exitAfterFlush = (code: number): void => {
    void Promise.allSettled([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
  };
  run(argv.slice(2), io).then(exitAfterFlush, (error: unknown) => exitAfterFlush(printError(error, io)));
}
