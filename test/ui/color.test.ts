import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorLevel, createChalk } from '../../src/ui/color.js';
import type { ColorLevel } from '../../src/ui/color.js';

const cases: Array<[string, boolean, boolean, Record<string, string>, ColorLevel]> = [
  // name, --no-color, isTTY, env, expected
  ['terminal', false, true, {}, 1],
  ['terminal with 256 colours', false, true, { TERM: 'xterm-256color' }, 2],
  ['terminal with truecolor', false, true, { COLORTERM: 'truecolor' }, 3],
  ['pipe', false, false, {}, 0],
  ['TERM=dumb', false, true, { TERM: 'dumb' }, 0],
  ['NO_COLOR=1', false, true, { NO_COLOR: '1' }, 0],
  ['NO_COLOR with any value', false, true, { NO_COLOR: 'false' }, 0],
  ['empty NO_COLOR is ignored', false, true, { NO_COLOR: '' }, 1],
  ['FORCE_COLOR=0 on a terminal', false, true, { FORCE_COLOR: '0' }, 0],
  ['FORCE_COLOR=false', false, true, { FORCE_COLOR: 'false' }, 0],
  ['FORCE_COLOR empty into a pipe', false, false, { FORCE_COLOR: '' }, 1],
  ['FORCE_COLOR=true into a pipe', false, false, { FORCE_COLOR: 'true' }, 1],
  ['FORCE_COLOR=2 into a pipe', false, false, { FORCE_COLOR: '2' }, 2],
  ['FORCE_COLOR=3 under CI', false, false, { FORCE_COLOR: '3', CI: 'true' }, 3],
  ['FORCE_COLOR=9 is capped', false, false, { FORCE_COLOR: '9' }, 3],
  ['FORCE_COLOR=yes means colour', false, false, { FORCE_COLOR: 'yes' }, 1],
  ['FORCE_COLOR beats NO_COLOR', false, false, { FORCE_COLOR: '1', NO_COLOR: '1' }, 1],
  ['--no-color beats FORCE_COLOR', true, true, { FORCE_COLOR: '3' }, 0],
  ['--no-color on a terminal', true, true, {}, 0],
];

for (const [name, noColorFlag, isTTY, env, expected] of cases) {
  test(`colour level: ${name} -> ${expected}`, () => {
    assert.equal(colorLevel({ noColorFlag, env, isTTY }), expected);
  });
}

test('createChalk uses the given level, not chalk auto-detection', () => {
  assert.equal(createChalk(0).red('x'), 'x');
  assert.equal(createChalk(1).red('x'), '\x1b[31mx\x1b[39m');
});
