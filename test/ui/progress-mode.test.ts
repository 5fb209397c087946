import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseProgressMode, isCI } from '../../src/ui/progress-mode.js';
import type { ProgressMode, ProgressSetting } from '../../src/ui/progress-mode.js';

const cases: Array<[string, ProgressSetting, boolean, boolean, Record<string, string>, ProgressMode]> = [
  // name, --progress, quiet, isTTY, env, expected
  ['auto on a terminal', 'auto', false, true, {}, 'bar'],
  ['auto into a pipe', 'auto', false, false, {}, 'line'],
  ['auto under CI=true', 'auto', false, true, { CI: 'true' }, 'line'],
  ['auto under CI=1', 'auto', false, true, { CI: '1' }, 'line'],
  ['CI=false does not count', 'auto', false, true, { CI: 'false' }, 'bar'],
  ['CI=0 does not count', 'auto', false, true, { CI: '0' }, 'bar'],
  ['empty CI does not count', 'auto', false, true, { CI: '' }, 'bar'],
  ['auto with TERM=dumb', 'auto', false, true, { TERM: 'dumb' }, 'line'],
  ['quiet on a terminal', 'auto', true, true, {}, 'none'],
  ['quiet wins over a forced bar', 'bar', true, true, {}, 'none'],
  ['quiet wins over forced lines', 'line', true, false, {}, 'none'],
  ['forced bar into a pipe under CI', 'bar', false, false, { CI: 'true' }, 'bar'],
  ['forced lines on a terminal', 'line', false, true, {}, 'line'],
  ['none', 'none', false, true, {}, 'none'],
];

for (const [name, progress, quiet, isTTY, env, expected] of cases) {
  test(`progress mode: ${name} -> ${expected}`, () => {
    assert.equal(chooseProgressMode({ progress, quiet, isTTY, env }), expected);
  });
}

test('isCI reads only the CI variable', () => {
  assert.equal(isCI({ GITHUB_ACTIONS: 'true' }), false);
  assert.equal(isCI({ CI: 'yes' }), true);
});
