import { text } from 'node:stream/consumers';
import { sourceModes } from '../core/content-source.js';
import { ExitCode, usageError } from '../errors.js';
import { configKeys, parseConfigKey } from '../settings/stored-settings.js';
import { maskSecret } from '../settings/resolve-settings.js';
import type { CommandContext } from './context.js';

export type ConfigAction = 'set' | 'get' | 'unset' | 'list' | 'path';

function shown(key: string, value: string): string {
  return key === 'api-key' ? maskSecret(value) : value;
}

function checkedValue(key: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw usageError(`config set ${key} needs a value`);
  if (key === 'base-url' && !/^https?:\/\/[^/]/i.test(trimmed)) {
    throw usageError(`invalid base URL ${JSON.stringify(trimmed)}: only http and https are supported`);
  }
  if (key === 'source' && !(sourceModes as readonly string[]).includes(trimmed)) {
    throw usageError(`invalid source ${JSON.stringify(trimmed)}`, `Use one of: ${sourceModes.join(', ')}.`);
  }
  return trimmed;
}

/** `ezvideo config set|get|unset|list|path`. The API key is only ever shown masked. */
export async function runConfig(action: ConfigAction, args: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const store = await context.store();
  const print = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  switch (action) {
    case 'path':
      print(store.path);
      break;
    case 'list':
      for (const key of configKeys) {
        const value = store.get(key);
        if (value !== undefined) print(`${key}=${shown(key, value)}`);
      }
      break;
    case 'get': {
      const key = parseConfigKey(args[0] ?? '');
      const value = store.get(key);
      if (value !== undefined) print(shown(key, value));
      break;
    }
    case 'set': {
      const key = parseConfigKey(args[0] ?? '');
      // `-` reads the value from stdin, so that a key never sits in shell history or `ps`.
      const value = args[1] === '-' ? (await text(io.stdin)).split(/\r?\n/)[0] : args[1];
      store.set(key, checkedValue(key, value));
      break;
    }
    case 'unset':
      store.unset(parseConfigKey(args[0] ?? ''));
      break;
  }
  return ExitCode.success;
}
