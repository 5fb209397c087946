import { VideoApiClient } from '../api/client.js';
import type { Timeouts } from '../api/transport.js';
import type { SourceMode } from '../core/content-source.js';
import { cannotReadError } from '../core/download-errors.js';
import { EzvideoError, usageError } from '../errors.js';
import type { ConfigStore } from '../settings/config-store.js';
import { requireApiKey, resolveArchive, resolveSettings, resolveSource, type Settings } from '../settings/resolve-settings.js';
import { configDirectory, type ConfigKey, readStoredSettings } from '../settings/stored-settings.js';
import { readFileOrStdin, type CommandIO } from './io.js';

export type ProgressMode = 'auto' | 'bar' | 'line' | 'none';

/** The flags every command accepts, already parsed by commander. */
export interface GlobalOptions {
  apiKey?: string | undefined;
  apiKeyFile?: string | undefined;
  baseUrl?: string | undefined;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  progress: ProgressMode;
  color: boolean;
  connectTimeout?: number | undefined;
  responseTimeout?: number | undefined;
  idleTimeout?: number | undefined;
}

export interface CommandContext {
  io: CommandIO;
  options: GlobalOptions;
  settings: Settings;
  /** The stored settings, opened on first use (conf and its schema validator are not small). */
  store: () => Promise<ConfigStore>;
  /** A line for --verbose, to stderr; nothing otherwise. */
  log: (message: string) => void;
  /** The `--source` default (EZVIDEO_SOURCE, the stored setting, `auto`), resolved once on first use. */
  source: () => Promise<SourceMode>;
  /** The `--archive` default (EZVIDEO_ARCHIVE, the stored setting, none), resolved once on first use. */
  archive: () => Promise<string | undefined>;
  /** The API client; asking for it without a key is the "no API key" error (exit 3). */
  client: () => VideoApiClient;
  /** Releases connections; called once the command is over. */
  close: () => Promise<void>;
}

const apiKeyFileHint = 'Put the key on the first line of that file, or pass it in EZVIDEO_API_KEY.';

/** `--api-key-file -` reads the key from stdin, so it never shows in shell history or `ps`. */
async function readApiKeyFile(path: string, io: CommandIO): Promise<string> {
  try {
    const content = await readFileOrStdin(path, io);
    const key = content.split(/\r?\n/)[0]?.trim() ?? '';
    if (key === '') throw usageError(`the API key file ${path === '-' ? '(stdin)' : path} is empty`, apiKeyFileHint);
    return key;
  } catch (error) {
    if (error instanceof EzvideoError) throw error;
    throw cannotReadError(`the API key file ${path}`, error, apiKeyFileHint);
  }
}

export async function createContext(options: GlobalOptions, io: CommandIO): Promise<CommandContext> {
  const directory = configDirectory(io.env);
  let opened: Promise<ConfigStore> | undefined;
  const store = (): Promise<ConfigStore> => {
    opened ??= import('../settings/config-store.js').then(({ openConfigStore }) => openConfigStore(directory));
    return opened;
  };
  // Reading a setting needs no conf: only `ezvideo config` opens the store.
  let stored: ReturnType<typeof readStoredSettings> | undefined;
  const storedSetting = { get: async (key: ConfigKey) => (await (stored ??= readStoredSettings(directory)))[key] };
  const apiKeyFlag = options.apiKeyFile === undefined ? options.apiKey : await readApiKeyFile(options.apiKeyFile, io);
  const settings = await resolveSettings({
    apiKeyFlag,
    baseUrlFlag: options.baseUrl,
    env: io.env,
    store: storedSetting,
  });
  const log = (message: string): void => {
    if (options.verbose) io.stderr.write(`[ezvideo] ${message}\n`);
  };
  let client: VideoApiClient | undefined;
  let source: Promise<SourceMode> | undefined;
  let archive: Promise<string | undefined> | undefined;
  const timeouts: Partial<Timeouts> = {
    ...(options.connectTimeout === undefined ? {} : { connectMs: options.connectTimeout }),
    ...(options.responseTimeout === undefined ? {} : { headersMs: options.responseTimeout }),
    ...(options.idleTimeout === undefined ? {} : { bodyIdleMs: options.idleTimeout }),
  };
  return {
    io,
    options,
    settings,
    store,
    log,
    source: () => {
      source ??= resolveSource({ env: io.env, store: storedSetting });
      return source;
    },
    archive: () => {
      archive ??= resolveArchive({ env: io.env, store: storedSetting });
      return archive;
    },
    client: () => {
      client ??= new VideoApiClient({
        baseUrl: settings.baseUrl,
        apiKey: requireApiKey(settings),
        timeouts,
        proxy: {
          httpProxy: io.env['HTTP_PROXY'] ?? io.env['http_proxy'],
          httpsProxy: io.env['HTTPS_PROXY'] ?? io.env['https_proxy'],
          noProxy: io.env['NO_PROXY'] ?? io.env['no_proxy'],
        },
        log,
      });
      return client;
    },
    close: async () => {
      await client?.close();
    },
  };
}
