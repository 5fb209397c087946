import { EzvideoError } from '../errors.js';

/**
 * The API's base URL: the default, the one check every way of giving one goes through (the
 * `--base-url` flag, `EZVIDEO_BASE_URL`, `ezvideo config set base-url`, the library's
 * `baseUrl`).
 */
export const defaultBaseUrl = 'https://www.ezmodel.cloud';

/** An http(s) URL with a host; anything else is a usage error (exit 2) saying what to give. */
export function parseBaseUrl(baseUrl: string): URL {
  const invalid = (why: string): EzvideoError =>
    new EzvideoError('usage', `invalid base URL ${JSON.stringify(baseUrl)}: ${why}`, { hint: `Use an http(s) URL such as ${defaultBaseUrl}.` });
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalid('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('only http and https are supported');
  return url;
}

