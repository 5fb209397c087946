import Conf from 'conf';
import type { ConfigKey } from './stored-settings.js';

export interface ConfigStore {
  get(key: ConfigKey): string | undefined;
  set(key: ConfigKey, value: string): void;
  unset(key: ConfigKey): void;
  readonly path: string;
}

/**
 * Stored settings on `conf`, for `ezvideo config`: writes are atomic, and the file holds the API
 * key, so it is created 0600 whatever the umask. `directory` is configDirectory()'s, which
 * readStoredSettings reads without conf.
 */
export function openConfigStore(directory: string): ConfigStore {
  const conf = new Conf<Partial<Record<ConfigKey, string>>>({
    projectName: 'ezvideo',
    projectSuffix: '',
    configFileMode: 0o600,
    cwd: directory,
  });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    unset: (key) => conf.delete(key),
    path: conf.path,
  };
}
