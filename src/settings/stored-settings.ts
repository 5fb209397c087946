import { readFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { cannotReadError } from '../core/download-errors.js';
import { usageError } from '../errors.js';

/** The settings that `ezvideo config` stores, by their command-line names. */
export const configKeys = ['api-key', 'base-url', 'source', 'archive'] as const;
export type ConfigKey = (typeof configKeys)[number];

export function parseConfigKey(key: string): ConfigKey {
  if ((configKeys as readonly string[]).includes(key)) return key as ConfigKey;
  throw usageError(`unknown setting ${JSON.stringify(key)}`, `Settings are: ${configKeys.join(', ')}.`);
}

/**
 * The folder of the stored settings: EZVIDEO_CONFIG_DIR, else the user's config folder by the
 * rules conf follows (env-paths): `$XDG_CONFIG_HOME/ezvideo` or `~/.config/ezvideo` on Linux,
 * `~/Library/Preferences/ezvideo` on macOS, `%APPDATA%\ezvideo\Config` on Windows. conf is given
 * this folder too (config-store.ts), so both always mean the same file.
 */
export function configDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env['EZVIDEO_CONFIG_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Preferences', 'ezvideo');
    case 'win32':
      return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'ezvideo', 'Config');
    default:
      return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'ezvideo');
  }
}

export const configFileName = 'config.json';

/**
 * The stored settings, read straight from conf's JSON file: a download that needs one setting
 * (the default `--source`, a stored key) must not pay for loading conf (about 100 ms per run,
 * measured on `ezvideo download`), and conf's exit hooks would come with it. No file is no
 * setting; a file that is not a JSON object is a usage error that says where it is.
 */
export async function readStoredSettings(directory: string): Promise<Partial<Record<ConfigKey, string>>> {
  const path = join(directory, configFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw cannotReadError(`the settings file ${path}`, error, 'Make it readable, or point EZVIDEO_CONFIG_DIR at another folder.');
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    stored = undefined;
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    throw usageError(`the settings file ${path} is not a JSON object`, 'Fix it, or delete it and store the settings again with `ezvideo config set`.');
  }
  const values: Partial<Record<ConfigKey, string>> = {};
  for (const key of configKeys) {
    const value = (stored as Record<string, unknown>)[key];
    if (typeof value === 'string') values[key] = value;
  }
  return values;
}
