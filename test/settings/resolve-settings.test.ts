import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBaseUrl } from '../../src/api/base-url.js';
import { maskSecret, requireApiKey, resolveArchive, resolveSettings } from '../../src/settings/resolve-settings.js';

function storeWith(values: Record<string, string>) {
  const asked: string[] = [];
  return { asked, store: { get: async (key: string) => (asked.push(key), values[key]) } };
}

describe('resolveSettings: flag > environment > stored config > default', () => {
  const stored = { 'api-key': 'from-config', 'base-url': 'http://config.example' };
  const env = { EZVIDEO_API_KEY: 'from-env', EZVIDEO_BASE_URL: 'http://env.example' };

  it('a flag wins', async () => {
    const settings = await resolveSettings({ apiKeyFlag: 'from-flag', baseUrlFlag: 'http://flag.example', env, store: storeWith(stored).store });
    assert.deepEqual([settings.apiKey, settings.apiKeySource, settings.baseUrl, settings.baseUrlSource], ['from-flag', 'flag', 'http://flag.example', 'flag']);
  });
  it('then the environment, without opening the config', async () => {
    const { asked, store } = storeWith(stored);
    const settings = await resolveSettings({ env, store });
    assert.deepEqual([settings.apiKey, settings.baseUrl], ['from-env', 'http://env.example']);
    assert.deepEqual(asked, []);
  });
  it('then the stored config', async () => {
    const settings = await resolveSettings({ env: {}, store: storeWith(stored).store });
    assert.deepEqual([settings.apiKey, settings.apiKeySource, settings.baseUrl], ['from-config', 'config', 'http://config.example']);
  });
  it('then the default base URL and no key (exit 3 when one is needed)', async () => {
    const settings = await resolveSettings({ env: { EZVIDEO_API_KEY: '  ' }, store: storeWith({}).store });
    assert.deepEqual([settings.apiKey, settings.baseUrl, settings.baseUrlSource], [undefined, defaultBaseUrl, 'default']);
    assert.throws(() => requireApiKey(settings), (error: { exitCode?: number }) => error.exitCode === 3);
  });
  it('masks keys for display', () => {
    assert.equal(maskSecret('sk-1234567890abcd'), 'sk-…abcd');
    assert.equal(maskSecret('short'), '*****');
  });
});

describe('resolveArchive: the --archive default', () => {
  it('EZVIDEO_ARCHIVE first, without opening the config', async () => {
    const { asked, store } = storeWith({ archive: 'stored.jsonl' });
    assert.equal(await resolveArchive({ env: { EZVIDEO_ARCHIVE: ' env.jsonl ' }, store }), 'env.jsonl');
    assert.deepEqual(asked, []);
  });
  it('then the stored setting, a relative path kept as written (resolved against the current directory on use)', async () => {
    assert.equal(await resolveArchive({ env: { EZVIDEO_ARCHIVE: '' }, store: storeWith({ archive: 'runs/archive.jsonl' }).store }), 'runs/archive.jsonl');
  });
  it('else no archive', async () => {
    assert.equal(await resolveArchive({ env: {}, store: storeWith({}).store }), undefined);
  });
});
