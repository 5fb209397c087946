import { text } from 'node:stream/consumers';
import { parseBaseUrl } from '../api/base-url.js';
import { sourceModes } from '../core/content-source.js';
import { EzvideoError, ExitCode, usageError } from '../errors.js';
import { configKeys, parseConfigKey } from '../settings/stored-settings.js';
import { maskSecret } from '../settings/resolve-settings.js';
import type { CommandContext } from './context.js';

export type ConfigAction = 'set' | 'get' | 'unset' | 'list' | 'path';

function shown(key: string, value: string): string {
  return key === 'api-key' ? maskSecret(value) : value;
}

function checkedValue(key: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw usageError(`config set ${key} needs a value`, `Give it after the key, or - to read it from stdin: \`ezvideo config set ${key} -\`.`);
  if (key === 'base-url') parseBaseUrl(trimmed);
  if (key === 'source' && !(sourceModes as readonly string[]).includes(trimmed)) {
    throw usageError(`invalid source ${JSON.stringify(trimmed)}`, `Use one of: ${sourceModes.join(', ')}.`);
  }
  return trimmed;
}

/**
 * `ezvideo config set|get|unset|list|path`. The API key is only ever shown masked. Values go
 * to stdout; what a change did goes to stderr (not with --quiet), so `$(ezvideo config get x)`
 * captures the value alone.
 */
export async function runConfig(action: ConfigAction, args: string[], context: CommandContext): Promise<number> {
  const { io, options } = context;
  const store = await context.store();
  const print = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const tell = (line: string): void => {
    if (!options.quiet) io.stderr.write(`${line}\n`);
  };
  switch (action) {
    case 'path':
      print(store.path);
      break;
    case 'list': {
      const stored = configKeys.flatMap((key) => {
        const value = store.get(key);
        return value === undefined ? [] : [[key, shown(key, value)] as const];
      });
      if (options.json) print(JSON.stringify(Object.fromEntries(stored)));
      else for (const [key, value] of stored) print(`${key}=${value}`);
      break;
    }
    case 'get': {
      const key = parseConfigKey(args[0] ?? '');
      const value = store.get(key);
      if (value === undefined) {
        throw new EzvideoError('not_found', `${key} is not set in ${store.path}`, { hint: `Store it with \`ezvideo config set ${key} <value>\`; \`ezvideo config list\` shows what is set.` });
      }
      print(shown(key, value));
      break;
    }
    case 'set': {
      const key = parseConfigKey(args[0] ?? '');
      // `-` reads the value from stdin, so that a key never sits in shell history or `ps`.
      const value = args[1] === '-' ? (await text(io.stdin)).split(/\r?\n/)[0] : args[1];
      const checked = checkedValue(key, value);
      store.set(key, checked);
      tell(`stored ${key}=${shown(key, checked)} in ${store.path}`);
      break;
    }
    case 'unset': {
      const key = parseConfigKey(args[0] ?? '');
      const was = store.get(key);
      store.unset(key);
      tell(was === undefined ? `${key} was not set` : `removed ${key} from ${store.path}`);
      break;
    }
  }
  return ExitCode.success;
}
