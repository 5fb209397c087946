/**
 * The summary that `npm test` ends with (scripts/run-tests.mjs and test-summary-reporter.mjs):
 * run on two small fixture files, written to a temporary folder by this test, so the normal run
 * (which looks for `*.test.js` under dist/test) never picks them up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../helpers/run-cli.js';

const runTests = join(repoRoot, 'scripts', 'run-tests.mjs');

// CommonJS, so that they run as they are in a folder without a package.json, on Node 20 too.
const passing = `const { describe, it, test } = require('node:test');
test('a plain test', () => {});
describe('a suite', () => {
  it('passes inside', () => {});
  it('is skipped', { skip: true }, () => {});
});
`;

// A plain Error: how assert words its messages differs between Node versions.
const failing = `const { describe, it } = require('node:test');
describe('outer', () => {
  describe('inner', () => {
    it('holds', () => {});
    it('breaks', () => { throw new Error('arithmetic is off'); });
  });
  it('is for later', { todo: true }, () => {});
});
`;

/** Where `it('breaks'` is in the fixture, as the runner reports a test's place (1-based). */
function locationOf(text: string, needle: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  return `${index + 1}:${(lines[index] ?? '').indexOf(needle) + 1}`;
}

// Two tests of 1.5 s each in one file, under a per-test limit of 2 s: the file takes longer than
// the limit, which only a per-file timeout would hold against it.
const slowFile = `const { describe, it } = require('node:test');
describe('slow but fine', () => {
  it('first', async () => { await new Promise((resolve) => setTimeout(resolve, 1500)); });
  it('second', async () => { await new Promise((resolve) => setTimeout(resolve, 1500)); });
});
`;

// A test that never ends (a server that keeps the process alive), after one that passes.
const hanging = `const { createServer } = require('node:http');
const { describe, it } = require('node:test');
describe('waits', () => {
  it('passes first', () => {});
  it('never ends', () => new Promise(() => { createServer().listen(0, '127.0.0.1'); }));
});
`;

interface Run {
  code: number | null;
  stdout: string;
}

/** run-tests.mjs on the given files, from `cwd`, as `npm test` runs it. */
function run(cwd: string, files: string[], flags: string[] = []): Promise<Run> {
  // This file runs under `node --test`, which tells its children so through NODE_TEST_CONTEXT;
  // a runner started with it would report to this one instead of printing.
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runTests, ...flags, ...files], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The summary: everything after its heading, which must come once, after the spec output. */
function summaryOf(stdout: string): string[] {
  const heading = '── summary ──';
  const at = stdout.indexOf(heading);
  assert.ok(at >= 0, `no summary in:\n${stdout}`);
  assert.equal(stdout.lastIndexOf(heading), at, 'one summary');
  assert.ok(stdout.lastIndexOf('ℹ duration_ms') < at, 'the summary comes after the spec reporter output');
  return stdout.slice(at + heading.length).trim().split('\n');
}

describe('npm test ends with a summary: counts, then each failing test with its suites and its place', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ezvideo-summary-'));
    await writeFile(join(dir, 'passing.fixture.js'), passing);
    await writeFile(join(dir, 'failing.fixture.js'), failing);
    await writeFile(join(dir, 'slow.fixture.js'), slowFile);
    await writeFile(join(dir, 'hanging.fixture.js'), hanging);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a nested failure: the counts of leaf tests, the one failing test by its full name and file:line:column, a non-zero exit', async () => {
    const ran = await run(dir, ['passing.fixture.js', 'failing.fixture.js']);
    assert.equal(ran.code, 1, ran.stdout);
    const [counts, heading, ...failures] = summaryOf(ran.stdout);
    // Six leaf tests: the suites are not counted, and a suite failed only by its test is not listed.
    assert.match(counts ?? '', /^tests 6 · passed 3 · failed 1 · skipped 1 · todo 1 · \d+\.\d s$/);
    assert.equal(heading, 'failures (1):');
    assert.deepEqual(failures, [
      '✖ outer › inner › breaks',
      `    at failing.fixture.js:${locationOf(failing, "it('breaks'")}`,
      '    arithmetic is off',
    ]);
  });

  it('all passing: the counts, no failures, exit 0', async () => {
    const ran = await run(dir, ['passing.fixture.js']);
    assert.equal(ran.code, 0, ran.stdout);
    const lines = summaryOf(ran.stdout);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', /^tests 3 · passed 2 · failed 0 · skipped 1 · todo 0 · \d+\.\d s$/);
  });

  it('the limit is per test: a file longer than the limit whose tests each keep to it passes', async () => {
    const ran = await run(dir, ['slow.fixture.js'], ['--per-test-timeout=2s']);
    assert.equal(ran.code, 0, ran.stdout);
    assert.match(summaryOf(ran.stdout)[0] ?? '', /^tests 2 · passed 2 · failed 0/);
  });

  it('a test that hangs is named with its place, and the run stops soon after the limit, its test files with it', async () => {
    const started = Date.now();
    const ran = await run(dir, ['hanging.fixture.js'], ['--per-test-timeout=2s']);
    const tookMs = Date.now() - started;
    assert.notEqual(ran.code, 0, ran.stdout);
    assert.deepEqual(summaryOf(ran.stdout), [
      'the run was stopped: a test hung',
      '✖ waits › never ends',
      `    at hanging.fixture.js:${locationOf(hanging, "it('never ends'")}`,
      '    still running after 2 s: the run was stopped (per-test limit)',
    ]);
    // Not a wall-clock goal: a bound so loose that only a run that waited for the hang would break it.
    assert.ok(tookMs < 60_000, `stopped after ${tookMs} ms`);
  });
});
