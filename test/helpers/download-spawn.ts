import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { binPath, type CliRun, repoRoot } from './run-cli.js';

export interface SpawnedCli {
  child: ChildProcessWithoutNullStreams;
  /** What has been printed so far (grows while the process runs). */
  stderr: () => string;
  done: Promise<CliRun>;
}

/**
 * The real binary, started but not awaited, for tests that signal it mid-download (SIGINT,
 * kill -9) or run a second one beside it. `run-cli.ts`'s `runCli` only returns once it ended.
 */
export function spawnCli(args: readonly string[], options: { env: Record<string, string>; cwd?: string; timeoutMs?: number }): SpawnedCli {
  const child = spawn(process.execPath, [binPath, ...args], { env: options.env, cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  return { child, stderr: () => Buffer.concat(stderr).toString('utf8'), done };
}

/** Quotes one word for `sh -c` (the command line `script -c` runs). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
