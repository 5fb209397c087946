// A node:test reporter that names a hanging test and stops the run. Node 20 applies
// --test-timeout to each test file as a whole, so a long file (the fault matrix) is cancelled
// at the cap however well it runs, and a hanging test is reported only as its file. This
// watches every leaf test from the moment it starts (test:dequeue, sent live by the file's
// process) until its result; one that runs longer than EZVIDEO_TEST_TIMEOUT_MS is written, with
// its file, line and name, to EZVIDEO_TEST_WATCHDOG_FILE (run-tests.mjs prints it), and the
// run's process group is killed, test files included (run-tests.mjs starts it as its own group).
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';

const limitMs = Number(process.env.EZVIDEO_TEST_TIMEOUT_MS);
const reportFile = process.env.EZVIDEO_TEST_WATCHDOG_FILE;

export default async function* watchdogReporter(source) {
  // Per file, the tests started at each nesting level; a test with a subtest is a container
  // (a suite, or a test of subtests), whose time is its children's, and is not watched itself.
  const running = new Map();
  const check = () => {
    const now = Date.now();
    for (const levels of running.values()) {
      const test = levels.at(-1);
      if (test === undefined || test.container || now - test.since <= limitMs) continue;
      const names = levels.map((level) => level.name).join(' › ');
      const where = `${relative(process.cwd(), test.file)}:${test.line}:${test.column}`;
      appendFileSync(reportFile, `✖ ${names}\n    at ${where}\n    still running after ${Math.round(limitMs / 1000)} s: the run was stopped (per-test limit)\n`);
      process.kill(-process.pid, 'SIGKILL');
    }
  };
  const timer = setInterval(check, 1000);
  try {
    for await (const { type, data } of source) {
      if (type !== 'test:dequeue' && type !== 'test:pass' && type !== 'test:fail') continue;
      const file = data.file ?? '';
      const levels = running.get(file) ?? [];
      running.set(file, levels);
      if (type === 'test:dequeue') {
        // A file's own entry in the runner (nesting 0, named as the file) is no test of its own.
        if (data.name === file) continue;
        levels.length = Math.min(levels.length, data.nesting);
        // A parent still running when a child starts is a container: its children are watched instead.
        const parent = levels.at(-1);
        if (parent !== undefined) parent.container = true;
        levels.push({ name: data.name, file, line: data.line, column: data.column, since: Date.now(), container: false });
      } else {
        levels.length = Math.min(levels.length, data.nesting);
      }
    }
  } finally {
    clearInterval(timer);
  }
}
