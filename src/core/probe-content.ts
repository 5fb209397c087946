import type { Variant, VideoApiClient } from '../api/client.js';
import { discardBody, type HttpResponse } from '../api/transport.js';
import { EzvideoError } from '../errors.js';
import { parseContentLength, parseContentRange } from './content-range.js';
import { fileNameFromDisposition, mediaType } from './file-name.js';
import { withRetries, type RetryOptions } from './with-retries.js';

/**
 * What a range probe proved: `supported` (a 206 with a matching Content-Range), `ignored`
 * (Accept-Ranges: bytes was sent, yet the range was not honoured), `advertised` (HEAD says
 * Accept-Ranges: bytes; unproven), `none`.
 */
export type RangeSupport = 'supported' | 'ignored' | 'advertised' | 'none';

export interface ContentInfo {
  id: string;
  httpStatus: number;
  /** `HEAD`, or `GET` when the server does not answer HEAD and a one-byte GET was used. */
  method: 'HEAD' | 'GET';
  contentType: string | undefined;
  size: number | undefined;
  ranges: RangeSupport;
  etag: string | undefined;
  lastModified: string | undefined;
  /** The name the server proposes, sanitised: never used as a path. */
  fileName: string | undefined;
}

function describe(id: string, method: 'HEAD' | 'GET', response: HttpResponse): ContentInfo {
  const headers = response.headers;
  const advertised = headers['accept-ranges']?.toLowerCase().includes('bytes') ?? false;
  const contentRange = parseContentRange(headers['content-range']);
  let size = parseContentLength(headers['content-length']);
  let ranges: RangeSupport = advertised ? 'advertised' : 'none';
  if (method === 'GET') {
    if (response.status === 206 && contentRange?.satisfied === true && contentRange.start === 0) {
      ranges = 'supported';
      size = contentRange.total;
    } else if (response.status === 416 && contentRange !== undefined) {
      ranges = 'supported';
      size = contentRange.total;
    } else {
      ranges = advertised ? 'ignored' : 'none';
    }
  }
  return {
    id,
    httpStatus: response.status,
    method,
    contentType: mediaType(headers['content-type']),
    size,
    ranges,
    etag: headers['etag'],
    lastModified: headers['last-modified'],
    fileName: fileNameFromDisposition(headers['content-disposition']),
  };
}

/**
 * Content metadata without the body. HEAD first; the default gateway does not route HEAD
 * (404 "Invalid URL") and a HEAD answer has no body to explain any failure, so every non-2xx
 * HEAD is retried as `GET` with `Range: bytes=0-0`, whose body is dropped after the headers.
 */
export async function probeContent(
  client: Pick<VideoApiClient, 'openContent'>,
  id: string,
  options: { variant?: Variant | undefined; signal?: AbortSignal | undefined; retry?: RetryOptions | undefined },
): Promise<ContentInfo> {
  return withRetries(async () => {
    try {
      const head = await client.openContent(id, { method: 'HEAD', variant: options.variant, signal: options.signal });
      discardBody(head);
      return describe(id, 'HEAD', head);
    } catch (error) {
      if (!(error instanceof EzvideoError) || error.code === 'interrupted' || error.code === 'network') throw error;
    }
    const get = await client.openContent(id, {
      method: 'GET',
      variant: options.variant,
      headers: { range: 'bytes=0-0', 'accept-encoding': 'identity' },
      signal: options.signal,
    });
    discardBody(get);
    return describe(id, 'GET', get);
  }, { ...options.retry, signal: options.signal });
}
