// Runs every compiled test file with node's own runner. A script, not a glob on the command
// line, because Node 20 and Node 24 read `node --test <args>` differently (paths vs globs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const explicit = process.argv.slice(2);
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

// Two reporters: the spec output, live on stdout as before (named, because giving any reporter
// drops the default one; spec on Node 20 too, which otherwise writes TAP when stdout is not a
// terminal), and the summary (test-summary-reporter.mjs), into a file printed once the runner
// has exited, so that it is the last thing in the output whatever the spec reporter still wrote.
const summaryDir = mkdtempSync(join(tmpdir(), 'ezvideo-test-summary-'));
const summaryFile = join(summaryDir, 'summary.txt');
const summaryReporter = fileURLToPath(new URL('./test-summary-reporter.mjs', import.meta.url));
let status;
try {
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-timeout=120000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${summaryReporter}`,
      `--test-reporter-destination=${summaryFile}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  status = result.status ?? 1;
  let summary = '';
  try {
    summary = readFileSync(summaryFile, 'utf8');
  } catch {
    // No file: the runner died before its reporters finished (a signal, a crash).
  }
  process.stdout.write(summary !== '' ? summary : `\n── summary ──\nno summary: the test runner ended early (${result.signal ?? `exit ${status}`})\n`);
} finally {
  rmSync(summaryDir, { recursive: true, force: true });
}
// The runner's exit status, unchanged: non-zero when any test failed.
process.exit(status);
