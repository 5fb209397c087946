// Runs every compiled test file with node's own runner. A script, not a glob on the command
// line, because Node 20 and Node 24 read `node --test <args>` differently (paths vs globs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `--per-test-timeout=<n>s|<n>m` sets the limit of each test (2 minutes by default) for the
// runs whose tests are long by design (the fault matrix).
const limitArg = process.argv.slice(2).find((arg) => arg.startsWith('--per-test-timeout='));
const limitMatch = /^--per-test-timeout=(\d+)(s|m)$/.exec(limitArg ?? '');
const perTestTimeoutMs = limitArg === undefined ? 120_000 : limitMatch === null ? NaN : Number(limitMatch[1]) * (limitMatch[2] === 'm' ? 60_000 : 1000);
if (!(perTestTimeoutMs > 0)) {
  console.error(`${limitArg}: expected --per-test-timeout=<n>s or <n>m`);
  process.exit(2);
}
const explicit = process.argv.slice(2).filter((arg) => arg !== limitArg);
const roots = explicit.length > 0 ? explicit : ['dist/test'];
// The fault matrix (test/chaos) is its own run, `npm run test:chaos`: minutes, not seconds.
const skipped = explicit.length > 0 ? new Set() : new Set(['chaos']);

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : findTests(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const files = roots.flatMap((root) => (root.endsWith('.js') ? [root] : findTests(root))).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

// Three reporters: the spec output, live on stdout as before (named, because giving any reporter
// drops the default one; spec on Node 20 too, which otherwise writes TAP when stdout is not a
// terminal); the summary (test-summary-reporter.mjs), into a file printed once the runner has
// exited, so that it is the last thing in the output whatever the spec reporter still wrote; and
// the watchdog (test-watchdog-reporter.mjs), which names a test that runs past the per-test limit
// and stops the run. There is no --test-timeout: Node 20 applies it to a whole file.
const workDir = mkdtempSync(join(tmpdir(), 'ezvideo-test-summary-'));
const summaryFile = join(workDir, 'summary.txt');
const watchdogFile = join(workDir, 'watchdog.txt');
const reporter = (name) => fileURLToPath(new URL(name, import.meta.url));
let status;
try {
  // Its own process group, so that the watchdog can stop the test files with the runner.
  const runner = spawn(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${reporter('./test-summary-reporter.mjs')}`,
      `--test-reporter-destination=${summaryFile}`,
      `--test-reporter=${reporter('./test-watchdog-reporter.mjs')}`,
      // A file, not /dev/null: Node 24 fsyncs a reporter's destination, which /dev/null refuses.
      `--test-reporter-destination=${join(workDir, 'watchdog-output.txt')}`,
      ...files,
    ],
    {
      stdio: 'inherit',
      detached: true,
      env: { ...process.env, EZVIDEO_TEST_TIMEOUT_MS: String(perTestTimeoutMs), EZVIDEO_TEST_WATCHDOG_FILE: watchdogFile },
    },
  );
  // A Ctrl-C or a CI cancel reaches the group, as it would have without one of its own.
  const forward = (signal) => () => {
    try {
      process.kill(-runner.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  const [code, signal] = await new Promise((resolve) => runner.on('exit', (...args) => resolve(args)));
  status = code ?? 1;
  const read = (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // No file: nothing was written to it (no hang), or the runner died before its reporters finished.
      return '';
    }
  };
  const hung = read(watchdogFile);
  const summary = read(summaryFile);
  if (hung !== '') process.stdout.write(`\n── summary ──\nthe run was stopped: a test hung\n${hung}`);
  else process.stdout.write(summary !== '' ? summary : `\n── summary ──\nno summary: the test runner ended early (${signal ?? `exit ${status}`})\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
// The runner's exit status, unchanged: non-zero when any test failed.
process.exit(status);
