import Conf from 'conf';
import { usageError } from '../errors.js';

/** The settings that `ezvideo config` stores, by their command-line names. */
export const configKeys = ['api-key', 'base-url', 'source'] as const;
export type ConfigKey = (typeof configKeys)[number];

export function parseConfigKey(key: string): ConfigKey {
  if ((configKeys as readonly string[]).includes(key)) return key as ConfigKey;
  throw usageError(`unknown setting ${JSON.stringify(key)}`, `Settings are: ${configKeys.join(', ')}.`);
}

export interface ConfigStore {
  get(key: ConfigKey): string | undefined;
  set(key: ConfigKey, value: string): void;
  unset(key: ConfigKey): void;
  readonly path: string;
}

/**
 * Stored settings on `conf`. The file holds the API key, so it is created 0600 whatever the
 * umask. `directory` (from EZVIDEO_CONFIG_DIR) moves it, for tests and unusual setups.
 */
export function openConfigStore(directory?: string): ConfigStore {
  const conf = new Conf<Partial<Record<ConfigKey, string>>>({
    projectName: 'ezvideo',
    projectSuffix: '',
    configFileMode: 0o600,
    ...(directory === undefined ? {} : { cwd: directory }),
  });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    unset: (key) => conf.delete(key),
    path: conf.path,
  };
}
