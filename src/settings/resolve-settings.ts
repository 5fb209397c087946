import { defaultBaseUrl } from '../api/base-url.js';
import { type SourceMode, sourceModes } from '../core/content-source.js';
import { EzvideoError, usageError } from '../errors.js';
import type { ConfigKey } from './stored-settings.js';

export type SettingSource = 'flag' | 'env' | 'config' | 'default';

export interface Settings {
  apiKey: string | undefined;
  apiKeySource: SettingSource | undefined;
  baseUrl: string;
  baseUrlSource: SettingSource;
}

export interface SettingInputs {
  /** From --api-key, or read from --api-key-file. */
  apiKeyFlag?: string | undefined;
  baseUrlFlag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Only consulted when neither flag nor environment sets a value. */
  store: { get: (key: ConfigKey) => Promise<string | undefined> };
}

/** Candidates are read in order and only as far as needed: the config file is opened last. */
async function firstSet(
  candidates: Array<[SettingSource, () => string | undefined | Promise<string | undefined>]>,
): Promise<[SettingSource, string] | undefined> {
  for (const [source, read] of candidates) {
    const value = await read();
    if (value !== undefined && value.trim() !== '') return [source, value.trim()];
  }
  return undefined;
}

/** Every setting resolves the same way: flag > environment variable > stored config > default. */
export async function resolveSettings(inputs: SettingInputs): Promise<Settings> {
  const apiKey = await firstSet([
    ['flag', () => inputs.apiKeyFlag],
    ['env', () => inputs.env['EZVIDEO_API_KEY']],
    ['config', () => inputs.store.get('api-key')],
  ]);
  const baseUrl = (await firstSet([
    ['flag', () => inputs.baseUrlFlag],
    ['env', () => inputs.env['EZVIDEO_BASE_URL']],
    ['config', () => inputs.store.get('base-url')],
  ])) ?? ['default', defaultBaseUrl];
  return { apiKey: apiKey?.[1], apiKeySource: apiKey?.[0], baseUrl: baseUrl[1], baseUrlSource: baseUrl[0] };
}

/**
 * Where downloads come from when `--source` does not say: EZVIDEO_SOURCE, the stored setting,
 * then `auto`. Resolved only by the commands that download, so the others never open the store.
 */
export async function resolveSource(inputs: Omit<SettingInputs, 'apiKeyFlag' | 'baseUrlFlag'>): Promise<SourceMode> {
  const found = await firstSet([
    ['env', () => inputs.env['EZVIDEO_SOURCE']],
    ['config', () => inputs.store.get('source')],
  ]);
  if (found === undefined) return 'auto';
  const [where, value] = found;
  if ((sourceModes as readonly string[]).includes(value)) return value as SourceMode;
  const origin = where === 'env' ? 'EZVIDEO_SOURCE' : 'the stored setting `source`';
  throw usageError(`${origin} is ${JSON.stringify(value)}, not one of ${sourceModes.join(', ')}`, where === 'env' ? 'Fix or unset EZVIDEO_SOURCE.' : 'Fix it with `ezvideo config set source auto`.');
}

/**
 * The `--archive` default: EZVIDEO_ARCHIVE, then the stored setting, else none. Resolved only by
 * the commands that download, like the source, so the others never open the store. The path is
 * returned as written: a relative one is resolved against the current directory when the
 * archive is opened, wherever it was stored from.
 */
export async function resolveArchive(inputs: Omit<SettingInputs, 'apiKeyFlag' | 'baseUrlFlag'>): Promise<string | undefined> {
  const found = await firstSet([
    ['env', () => inputs.env['EZVIDEO_ARCHIVE']],
    ['config', () => inputs.store.get('archive')],
  ]);
  return found?.[1];
}

export function requireApiKey(settings: Settings): string {
  if (settings.apiKey !== undefined) return settings.apiKey;
  throw new EzvideoError('auth', 'no API key', {
    hint: 'Set one with --api-key <key> (or --api-key-file <file>), the EZVIDEO_API_KEY environment variable, or `ezvideo config set api-key <key>`.',
  });
}

/** Enough of a key to recognise it, never enough to use it. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
