import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openConfigStore } from '../../src/settings/config-store.js';
import { configDirectory, readStoredSettings } from '../../src/settings/stored-settings.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ezvideo-settings-'));
  dirs.push(dir);
  return dir;
}

describe('stored settings read without conf', () => {
  it('reads what conf wrote, in the same folder', async () => {
    const dir = await freshDir();
    const store = openConfigStore(dir);
    store.set('source', 'direct');
    store.set('base-url', 'http://stored.example');
    store.set('archive', 'archive.jsonl');
    assert.equal(store.path, join(dir, 'config.json'));
    assert.deepEqual(await readStoredSettings(dir), { 'base-url': 'http://stored.example', source: 'direct', archive: 'archive.jsonl' });
  });
  it('no file is no setting', async () => {
    assert.deepEqual(await readStoredSettings(join(await freshDir(), 'missing')), {});
  });
  it('a file that is not a JSON object is a usage error naming it', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'config.json'), '{"api-key": "sk-');
    await assert.rejects(readStoredSettings(dir), (error: { exitCode?: number; message?: string }) => error.exitCode === 2 && error.message?.includes(join(dir, 'config.json')) === true);
  });
  it("the folder: EZVIDEO_CONFIG_DIR, else conf's default for this platform", () => {
    assert.equal(configDirectory({ EZVIDEO_CONFIG_DIR: '/somewhere' }), '/somewhere');
    if (platform() === 'linux') {
      assert.equal(configDirectory({ XDG_CONFIG_HOME: '/xdg' }), '/xdg/ezvideo');
      assert.equal(configDirectory({}), join(homedir(), '.config', 'ezvideo'));
    }
  });
});
