import type { Variant } from '../api/client.js';
import { validateTaskId } from '../api/task-id.js';
import { defaultRetryPolicy } from '../core/retry-policy.js';
import { probeContent, type ContentInfo, type RangeSupport } from '../core/probe-content.js';
import { ExitCode } from '../errors.js';
import { formatDuration } from '../units.js';
import type { CommandContext } from './context.js';

export interface HeadOptions {
  variant?: Variant | undefined;
  retries: number;
}

/** The README's four words, each with what it rests on. */
const rangeWords: Record<RangeSupport, string> = {
  supported: 'supported (a ranged request got 206 with a matching Content-Range)',
  ignored: 'ignored (Accept-Ranges: bytes is sent, but a ranged request got the whole file)',
  advertised: 'advertised (Accept-Ranges: bytes; not verified)',
  none: 'none (no Accept-Ranges, and no 206)',
};

function readable(info: ContentInfo): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', info.id],
    ['status', `${info.httpStatus} (${info.method === 'HEAD' ? 'HEAD' : 'GET Range: bytes=0-0, the server does not answer HEAD'})`],
    ['content-type', info.contentType],
    ['size', info.size === undefined ? 'unknown' : `${info.size} bytes`],
    ['ranges', rangeWords[info.ranges]],
    ['etag', info.etag],
    ['last-modified', info.lastModified],
    ['file name', info.fileName],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([name, value]) => `${`${name}:`.padEnd(15)}${value}\n`)
    .join('');
}

/** `ezvideo head <id>`: what the content is, without downloading it. */
export async function runHead(id: string, options: HeadOptions, context: CommandContext): Promise<number> {
  validateTaskId(id);
  const info = await probeContent(context.client(), id, {
    variant: options.variant,
    signal: context.io.signal,
    retry: {
      policy: { ...defaultRetryPolicy, retries: options.retries },
      onRetry: ({ failedAttempt, delayMs, error }) =>
        context.log(`attempt ${failedAttempt} failed (${(error as Error).message}); retrying in ${formatDuration(delayMs)}`),
    },
  });
  // Every documented field is in the JSON line; one without a value is null.
  const json = (): string => JSON.stringify(info, (_key, value: unknown) => (value === undefined ? null : value));
  context.io.stdout.write(context.options.json ? `${json()}\n` : readable(info));
  return ExitCode.success;
}
