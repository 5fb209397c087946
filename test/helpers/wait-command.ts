import { createContext, type GlobalOptions } from '../../src/commands/context.js';
import { makeIdDownloader } from '../../src/commands/deliver.js';
import { runWait, type IdDownloaderFactory, type WaitFlags } from '../../src/commands/wait.js';
import { EzvideoError } from '../../src/errors.js';
import type { MockServer } from '../../src/mock/index.js';
import { failureLines } from '../../src/ui/messages.js';
import { createMemoryIO, type MemoryIO } from './memory-io.js';
import { freshConfigDir } from './run-cli.js';

export const defaultWaitFlags: WaitFlags = {
  force: false,
  skipExisting: false,
  writeInfoJson: false,
  concurrency: 4,
  retries: 2,
  verify: true,
  thenDownload: false,
  // Short, so tests against the simulator (generation times of a few hundred ms) are quick.
  interval: 50,
};

export interface WaitRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The --json lines, parsed. */
  lines: Array<Record<string, unknown>>;
  elapsedMs: number;
}

export interface WaitRunOptions {
  flags?: Partial<WaitFlags>;
  options?: Partial<GlobalOptions>;
  stdin?: string;
  tty?: boolean;
  apiKey?: string;
  downloader?: IdDownloaderFactory;
  /** Called once the command has started, with its I/O (to interrupt it, for instance). */
  started?: (memory: MemoryIO) => void;
}

/** Runs `ezvideo wait` in-process against a simulator, with in-memory streams. */
export async function runWaitCommand(server: MockServer, args: string[], run: WaitRunOptions = {}): Promise<WaitRun> {
  const memory = createMemoryIO({
    env: {
      EZVIDEO_API_KEY: run.apiKey ?? 'sk-wait-test',
      EZVIDEO_BASE_URL: server.baseUrl,
      EZVIDEO_CONFIG_DIR: freshConfigDir(),
    },
    stdin: run.stdin,
    stderrIsTTY: run.tty ?? false,
  });
  const options: GlobalOptions = { json: true, quiet: false, verbose: false, progress: 'auto', color: false, ...run.options };
  const context = await createContext(options, memory.io);
  const started = Date.now();
  run.started?.(memory);
  try {
    const code = await runWait(args, { ...defaultWaitFlags, ...run.flags }, context, run.downloader ?? makeIdDownloader).catch((error: unknown) => {
      // As src/cli.ts ends a command: the one error and hint, and the error's exit code.
      if (!(error instanceof EzvideoError)) throw error;
      for (const line of failureLines(error)) memory.io.stderr.write(`${line}\n`);
      return error.exitCode;
    });
    const stdout = memory.stdout.text();
    const lines = options.json
      ? stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
    return { code, stdout, stderr: memory.stderr.text(), lines, elapsedMs: Date.now() - started };
  } finally {
    await context.close();
  }
}

/** The status calls the simulator received (not the content calls), for one task id or all. */
export function statusCalls(server: MockServer, id?: string): number {
  // By path, not by `taskId`: the simulator names the task only once the key was accepted.
  return server.requests.filter((request) => {
    const match = /^\/v1\/videos\/([^/]+)$/.exec(request.path);
    return request.method === 'GET' && match !== null && (id === undefined || match[1] === id);
  }).length;
}
