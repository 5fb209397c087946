import { spawn } from 'node:child_process';
import { shellQuote } from './download-spawn.js';
import { binPath, repoRoot } from './run-cli.js';

/**
 * Runs the binary under a pseudo-terminal (util-linux `script`), so stdout and stderr are a real
 * TTY, and returns everything the terminal received plus the exit code.
 */
export function runInPty(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000, cwd = repoRoot): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, binPath, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { ...env, TERM: 'xterm-256color', COLUMNS: '100', LINES: '40' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8') });
    });
    child.stdin.end();
  });
}
