import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Variant, VideoApiClient } from '../api/client.js';
import { checkFileStructure } from './integrity/check-structure.js';
import { probeContent } from './probe-content.js';
import type { RetryPolicy } from './retry-policy.js';

/** A file on disk shown to be the server's content, with what a landed download records of it. */
export interface ServedFile {
  bytes: number;
  contentType: string | undefined;
  /** Only when a hash was asked for, as for a download: reading a large file back is not free. */
  sha256: string | undefined;
  verified: 'ok' | 'unchecked';
}

/**
 * Whether the file at `path` (`size` bytes) is the content the server has for `id`, without
 * fetching it: its size is the content's Content-Length and its structure is whole. For a file
 * that an earlier run landed and was killed before it could record it; a server that sends no
 * length proves nothing, and the answer is no.
 */
export async function servedFileAt(
  client: Pick<VideoApiClient, 'openContent'>,
  id: string,
  path: string,
  size: number,
  options: { variant?: Variant | undefined; signal?: AbortSignal | undefined; retry?: RetryPolicy | undefined; createHash?: (() => Hash) | undefined },
): Promise<ServedFile | undefined> {
  const info = await probeContent(client, id, { variant: options.variant, signal: options.signal, retry: { policy: options.retry } });
  if (info.size === undefined || info.size !== size) return undefined;
  const check = await checkFileStructure(path, info.contentType);
  if (!check.ok) return undefined;
  const hash = options.createHash?.();
  if (hash !== undefined) for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: size, contentType: info.contentType, sha256: hash?.digest('hex'), verified: check.checked ? 'ok' : 'unchecked' };
}
