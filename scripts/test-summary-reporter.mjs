// A node:test reporter that prints nothing while the tests run and, at the end, a short summary:
// the counts and, for each failure, its full name and where the test is. run-tests.mjs sends it
// to a file and prints that file after the spec reporter's output, so that the failures of a long
// run are at its end rather than somewhere in thousands of lines. Written against the events of
// Node 20 and Node 24 (both run in CI); it uses only fields that both send.
import { relative, resolve } from 'node:path';

// Failure types (details.error.failureType) that only echo another failure: a suite or test
// whose subtest failed, and a test cancelled because its parent (a failing hook, a parent that
// ended first) stopped it. The failure that caused them is listed instead.
const echoed = new Set(['subtestsFailed', 'cancelledByParent']);

export default async function* summaryReporter(source) {
  const started = Date.now();
  let durationMs;
  // Per file (files run in parallel, so their events interleave; within a file they are in
  // order), the names of the tests started at each nesting level: the ancestors of a result.
  const stacks = new Map();
  // Per file, the nesting levels whose current test has reported a subtest: that test is no
  // leaf. Children report before their parent, so this is known when the parent's result comes.
  const hasChildren = new Map();
  const counts = { tests: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
  const failures = [];

  for await (const { type, data } of source) {
    if (type === 'test:diagnostic' && data.nesting === 0) {
      // The runner's own total at the end ("duration_ms 1607.1"): the wall time of the run.
      const match = /^duration_ms ([\d.]+)$/.exec(data.message);
      if (match) durationMs = Number(match[1]);
      continue;
    }
    if (type !== 'test:start' && type !== 'test:pass' && type !== 'test:fail') continue;
    const file = data.file ?? '';
    const stack = stacks.get(file) ?? [];
    stacks.set(file, stack);
    const children = hasChildren.get(file) ?? [];
    hasChildren.set(file, children);
    if (type === 'test:start') {
      stack.length = data.nesting;
      stack.push(data.name);
      children.length = data.nesting;
      if (data.nesting > 0) children[data.nesting - 1] = true;
      continue;
    }

    // A file that failed as a whole (it crashed outside its tests) is reported as a test named
    // by its path: absolute on Node 20, relative on Node 24. Shown as the location is.
    const name = data.nesting === 0 && file !== '' && resolve(data.name) === file ? shownPath(file) : data.name;
    const path = [...stack.slice(0, data.nesting), name];
    // A describe() is never a test of its own, even an empty one; a test() with t.test() inside
    // is counted through its subtests.
    const leaf = data.details?.type !== 'suite' && children[data.nesting] !== true;
    children.length = data.nesting;
    const error = data.details?.error;
    if (leaf) {
      counts.tests += 1;
      if (data.todo !== undefined && data.todo !== false) counts.todo += 1;
      else if (data.skip !== undefined && data.skip !== false) counts.skipped += 1;
      else if (type === 'test:pass') counts.passed += 1;
      else {
        counts.failed += 1;
        if (error?.failureType === 'cancelledByParent' || error?.failureType === 'testTimeoutFailure') counts.cancelled += 1;
      }
    }
    // A failing todo does not fail the run, so it is no failure to look at.
    if (type !== 'test:fail' || (data.todo !== undefined && data.todo !== false)) continue;
    failures.push({
      path,
      file,
      line: data.line,
      column: data.column,
      failureType: error?.failureType,
      // The runner wraps the test's own error (ERR_TEST_FAILURE); its cause is what was thrown.
      message: oneLine(error?.cause?.message ?? error?.message),
    });
  }

  yield formatSummary({ counts, durationMs: durationMs ?? Date.now() - started, failures: listed(failures) });
}

/**
 * The failures worth reading: not those that only echo another one. A test cancelled by its
 * parent is still listed when nothing above it is (a parent that passed but ended too early).
 */
function listed(failures) {
  const own = failures.filter((failure) => !echoed.has(failure.failureType));
  const ownKeys = new Set(own.map((failure) => keyOf(failure.file, failure.path)));
  const ancestorListed = (failure) => {
    for (let depth = 1; depth < failure.path.length; depth += 1) {
      if (ownKeys.has(keyOf(failure.file, failure.path.slice(0, depth)))) return true;
    }
    return false;
  };
  // In the order the runner reported them, as in the spec output above.
  return failures.filter((failure) => own.includes(failure) || (failure.failureType === 'cancelledByParent' && !ancestorListed(failure)));
}

function keyOf(file, path) {
  return [file, ...path].join('\0');
}

/** The start of an error message on one line: enough to recognise it, the spec output has the rest. */
function oneLine(text) {
  const line = String(text ?? '').split('\n').map((part) => part.trim()).filter((part) => part !== '').join(' ');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** Relative to the folder the run started in (the repository, for npm test). */
function shownPath(file) {
  return relative(process.cwd(), file) || file;
}

/** Where the test is: its file, line and column, as the runner reports them. */
function locationOf({ file, line, column }) {
  if (file === '') return '(no file)';
  return line === undefined ? shownPath(file) : `${shownPath(file)}:${line}:${column ?? 1}`;
}

function formatSummary({ counts, durationMs, failures }) {
  const failed = counts.cancelled > 0 ? `failed ${counts.failed} (${counts.cancelled} cancelled or timed out)` : `failed ${counts.failed}`;
  const lines = [
    '',
    '── summary ──',
    `tests ${counts.tests} · passed ${counts.passed} · ${failed} · skipped ${counts.skipped} · todo ${counts.todo} · ${(durationMs / 1000).toFixed(1)} s`,
  ];
  if (failures.length > 0) {
    // Each failure once, where it happened: a failing hook as its suite (not again as each test it
    // cancelled), a test body that threw after its subtests passed as that test. So this list can
    // be longer or shorter than the failed count, which counts tests.
    lines.push(`failures (${failures.length}):`);
    for (const failure of failures) {
      lines.push(`✖ ${failure.path.join(' › ')}`);
      lines.push(`    at ${locationOf(failure)}`);
      if (failure.message !== '') lines.push(`    ${failure.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
