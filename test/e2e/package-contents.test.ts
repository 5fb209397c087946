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
    assert.ok(paths.includes('dist/src/mock/index.d.ts'), 'types for ezvideo/mock');
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
    assert.equal(manifest.engines.node, '>=20.18.1');
    // npm 11 warns on install about a published `prepare`; a checkout builds with `npm run build`.
    assert.equal(manifest.scripts['prepare'], undefined);
  });

  it('exports the simulator as ezvideo/mock, beside the library', () => {
    // The package's own name resolves inside it (Node's self-reference), through `exports`.
    const script = "const { startMockServer } = await import('ezvideo/mock'); const { downloadVideo } = await import('ezvideo'); " +
      "const s = await startMockServer({ profile: 'ideal', generationTimeMs: 0 }); console.log(typeof downloadVideo, s.baseUrl.startsWith('http://127.0.0.1:')); await s.close();";
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(output.trim(), 'function true');
  });
});
