import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/run-cli.js';

describe('npm pack', () => {
  it('ships only what runs: the shim, the built library, the simulator assets', () => {
    const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
    const paths = (pack?.files ?? []).map((file) => file.path);
    assert.ok(paths.includes('bin/ezvideo.js'));
    assert.ok(paths.includes('dist/src/cli.js'));
    assert.ok(paths.includes('dist/src/index.d.ts'), 'types for the library');
    assert.ok(paths.includes('assets/sample-video.mp4'), 'the simulator serves it');
    const stray = paths.filter((path) => !/^(bin\/|dist\/src\/|assets\/|package\.json$|README\.md$|LICENSE)/.test(path));
    assert.deepEqual(stray, []);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.equal(manifest.engines.node, '>=20.18.1');
  });
});
