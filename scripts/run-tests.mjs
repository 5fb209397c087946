// Runs every compiled test file with node's own runner. A script, not a glob on the command
// line, because Node 20 and Node 24 read `node --test <args>` differently (paths vs globs).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
const result = spawnSync(process.execPath, ['--test', '--test-timeout=120000', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
